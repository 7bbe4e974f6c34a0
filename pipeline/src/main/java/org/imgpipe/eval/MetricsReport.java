package org.imgpipe.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.imgpipe.io.AtomicFiles;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes metrics.json, confusion_matrix.csv and roc.csv, and renders the notebook-style table. */
public final class MetricsReport {
    public static final String METRICS_FILE = "metrics.json";

    private final ClassificationMetrics m;

    public MetricsReport(ClassificationMetrics metrics) {
        this.m = metrics;
    }

    public Map<String, Object> json(String split, String model) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("split", split);
        j.put("model", model);
        j.put("examples", m.count());
        j.put("loss", m.loss());
        j.put("accuracy", m.accuracy());
        j.put("macro_precision", m.macroPrecision());
        j.put("macro_recall", m.macroRecall());
        j.put("macro_f1", m.macroF1());
        j.put("weighted_precision", m.weightedPrecision());
        j.put("weighted_recall", m.weightedRecall());
        j.put("weighted_f1", m.weightedF1());
        j.put("class_names", m.classNames());
        j.put("confusion_matrix", m.confusion());
        Map<String, Double> auc = new LinkedHashMap<>();
        Map<String, Object> per = new LinkedHashMap<>();
        for (int c = 0; c < m.classNames().size(); c++) {
            String name = m.classNames().get(c);
            auc.put(name, m.roc().get(c).auc());
            ClassificationMetrics.PerClass p = m.perClass().get(c);
            per.put(name, Map.of("precision", p.precision(), "recall", p.recall(), "f1", p.f1(),
                    "support", p.support(), "auc", m.roc().get(c).auc()));
        }
        j.put("auc", auc);
        j.put("per_class", per);
        int[] pair = m.mostConfusedPair();
        j.put("most_confused_pair", List.of(m.classNames().get(pair[0]), m.classNames().get(pair[1])));
        return j;
    }

    public String confusionCsv() {
        StringBuilder sb = new StringBuilder("true\\predicted");
        m.classNames().forEach(n -> sb.append(',').append(n));
        sb.append('\n');
        for (int i = 0; i < m.confusion().length; i++) {
            sb.append(m.classNames().get(i));
            for (long v : m.confusion()[i]) {
                sb.append(',').append(v);
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    public String rocCsv() {
        StringBuilder sb = new StringBuilder("class,threshold,fpr,tpr\n");
        for (int c = 0; c < m.classNames().size(); c++) {
            RocCurve r = m.roc().get(c);
            for (int j = 0; j < r.thresholds().length; j++) {
                sb.append(m.classNames().get(c)).append(',').append(r.thresholds()[j]).append(',')
                        .append(r.fpr()[j]).append(',').append(r.tpr()[j]).append('\n');
            }
        }
        return sb.toString();
    }

    /** Writes the three files into dir; returns the path of metrics.json. */
    public Path write(Path dir, Configuration conf, String split, String model) throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        AtomicFiles.writeString(new Path(dir, "confusion_matrix.csv"), conf, confusionCsv());
        AtomicFiles.writeString(new Path(dir, "roc.csv"), conf, rocCsv());
        Path metrics = new Path(dir, METRICS_FILE);
        AtomicFiles.writeString(metrics, conf, json.writeValueAsString(json(split, model)));
        return metrics;
    }

    /** A classification report like the notebook's (sklearn's layout) plus AUC per class. */
    public String table() {
        int w = Math.max(12, m.classNames().stream().mapToInt(String::length).max().orElse(12));
        StringBuilder sb = new StringBuilder();
        String row = "%" + w + "s %9s %9s %9s %9s %9s%n";
        sb.append(String.format(row, "", "precision", "recall", "f1-score", "support", "auc"));
        for (int c = 0; c < m.classNames().size(); c++) {
            ClassificationMetrics.PerClass p = m.perClass().get(c);
            sb.append(String.format("%" + w + "s %9.4f %9.4f %9.4f %9d %9.4f%n", m.classNames().get(c), p.precision(),
                    p.recall(), p.f1(), p.support(), m.roc().get(c).auc()));
        }
        sb.append('\n');
        sb.append(String.format("%" + w + "s %9s %9s %9.4f %9d%n", "accuracy", "", "", m.accuracy(), m.count()));
        sb.append(String.format("%" + w + "s %9.4f %9.4f %9.4f %9d%n", "macro avg", m.macroPrecision(),
                m.macroRecall(), m.macroF1(), m.count()));
        sb.append(String.format("%" + w + "s %9.4f %9.4f %9.4f %9d%n", "weighted avg", m.weightedPrecision(),
                m.weightedRecall(), m.weightedF1(), m.count()));
        int[] pair = m.mostConfusedPair();
        sb.append(String.format("%nloss %.4f; most confused pair: %s / %s (%d + %d)%n", m.loss(),
                m.classNames().get(pair[0]), m.classNames().get(pair[1]), m.confusion()[pair[0]][pair[1]],
                m.confusion()[pair[1]][pair[0]]));
        return sb.toString();
    }
}
