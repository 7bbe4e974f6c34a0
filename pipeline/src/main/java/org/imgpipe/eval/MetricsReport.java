package org.imgpipe.eval;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.imgpipe.io.AtomicFiles;
import org.imgpipe.io.CsvFiles;
import org.imgpipe.io.JsonFiles;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An evaluation's files: {@value #METRICS_FILE} (every figure), {@code confusion_matrix.csv},
 * {@code roc.csv} (RFC 4180 CSV) and {@value #MISTAKES_FILE} (the most confident mistakes with their
 * pixels); writes them, reads them back for the report, and renders the notebook-style table.
 */
public final class MetricsReport {
    /** Every figure of the evaluation, with the split and the model evaluated. */
    public static final String METRICS_FILE = "metrics.json";
    /** Every point of every class's ROC curve: class, threshold, fpr, tpr. */
    public static final String ROC_FILE = "roc.csv";
    /** The most confident mistakes with their pixels (base64 HWC uint8). */
    public static final String MISTAKES_FILE = "misclassified.json";

    private final ClassificationMetrics m;
    private final List<ConfidentMistakes.Mistake> mistakes;

    /**
     * @param metrics  the evaluation's figures
     * @param mistakes its most confident mistakes, most confident first (may be empty)
     */
    public MetricsReport(ClassificationMetrics metrics, List<ConfidentMistakes.Mistake> mistakes) {
        this.m = metrics;
        this.mistakes = List.copyOf(mistakes);
    }

    /**
     * An evaluation read back from its folder.
     *
     * @param split    the evaluated split, e.g. {@code test}
     * @param model    the evaluated model file
     * @param metrics  the figures, ROC curves included
     * @param mistakes the most confident mistakes, most confident first; empty for evaluations written
     *                 before they were kept
     */
    public record Saved(String split, String model, ClassificationMetrics metrics,
                        List<ConfidentMistakes.Mistake> mistakes) {
    }

    /** @return the content of metrics.json as an ordered map of JSON values */
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
        m.confusedPairs().stream().findFirst().ifPresent(p -> j.put("most_confused_pair",
                List.of(m.classNames().get(p.a()), m.classNames().get(p.b()))));
        return j;
    }

    /**
     * @return the confusion matrix as CSV: a header of class names, then one row per true class
     * @throws IOException never in practice (the CSV is written to memory)
     */
    public String confusionCsv() throws IOException {
        List<String> header = new ArrayList<>();
        header.add("true\\predicted");
        header.addAll(m.classNames());
        List<List<Object>> rows = new ArrayList<>();
        for (int i = 0; i < m.confusion().length; i++) {
            List<Object> row = new ArrayList<>();
            row.add(m.classNames().get(i));
            Arrays.stream(m.confusion()[i]).forEach(row::add);
            rows.add(row);
        }
        return CsvFiles.write(header, rows);
    }

    /**
     * @return every ROC point as CSV rows {@code class,threshold,fpr,tpr}
     * @throws IOException never in practice (the CSV is written to memory)
     */
    public String rocCsv() throws IOException {
        List<List<Object>> rows = new ArrayList<>();
        for (int c = 0; c < m.classNames().size(); c++) {
            RocCurve r = m.roc().get(c);
            for (int j = 0; j < r.thresholds().length; j++) {
                rows.add(List.of(m.classNames().get(c), r.thresholds()[j], r.fpr()[j], r.tpr()[j]));
            }
        }
        return CsvFiles.write(List.of("class", "threshold", "fpr", "tpr"), rows);
    }

    /**
     * Writes the four files into dir, each atomically.
     *
     * @param dir   the evaluation folder, created if missing
     * @param conf  the Hadoop configuration of its file system
     * @param split the evaluated split's name
     * @param model the evaluated model, as shown to users
     * @return the path of metrics.json
     * @throws IOException when the file system fails
     */
    public Path write(Path dir, Configuration conf, String split, String model) throws IOException {
        AtomicFiles.writeString(new Path(dir, "confusion_matrix.csv"), conf, confusionCsv());
        AtomicFiles.writeString(new Path(dir, ROC_FILE), conf, rocCsv());
        JsonFiles.write(new Path(dir, MISTAKES_FILE), conf, mistakes);
        Path metrics = new Path(dir, METRICS_FILE);
        JsonFiles.write(metrics, conf, json(split, model));
        return metrics;
    }

    /**
     * Reads an evaluation folder written by {@link #write}.
     *
     * @param dir  the folder holding metrics.json
     * @param conf the Hadoop configuration of its file system
     * @return the evaluation, or null when the folder has no metrics.json
     * @throws IOException when a file exists but cannot be read or parsed
     */
    public static Saved read(Path dir, Configuration conf) throws IOException {
        JsonNode j = JsonFiles.readIfExists(new Path(dir, METRICS_FILE), conf, JsonNode.class).orElse(null);
        if (j == null) {
            return null;
        }
        FileSystem fs = dir.getFileSystem(conf);
        List<String> names = new ArrayList<>();
        j.get("class_names").forEach(n -> names.add(n.asText()));
        long[][] confusion = JsonFiles.MAPPER.treeToValue(j.get("confusion_matrix"), long[][].class);
        List<ClassificationMetrics.PerClass> per = new ArrayList<>();
        for (String name : names) {
            JsonNode p = j.get("per_class").get(name);
            per.add(new ClassificationMetrics.PerClass(p.get("precision").asDouble(), p.get("recall").asDouble(),
                    p.get("f1").asDouble(), p.get("support").asLong()));
        }
        ClassificationMetrics metrics = new ClassificationMetrics(names, j.get("examples").asLong(),
                j.get("loss").asDouble(), j.get("accuracy").asDouble(), confusion, per, readRoc(fs, dir, names),
                j.get("macro_precision").asDouble(), j.get("macro_recall").asDouble(), j.get("macro_f1").asDouble(),
                j.get("weighted_precision").asDouble(), j.get("weighted_recall").asDouble(),
                j.get("weighted_f1").asDouble());
        List<ConfidentMistakes.Mistake> mistakes = JsonFiles.readIfExists(new Path(dir, MISTAKES_FILE), conf,
                ConfidentMistakes.Mistake[].class).map(List::of).orElse(List.of());
        return new Saved(j.get("split").asText(), j.get("model").asText(), metrics, mistakes);
    }

    /** The ROC curves of roc.csv in class order, AUC recomputed from the points as when written. */
    private static List<RocCurve> readRoc(FileSystem fs, Path dir, List<String> names) throws IOException {
        Map<String, List<double[]>> points = new LinkedHashMap<>();
        for (Map<String, String> r : CsvFiles.readRows(fs.open(new Path(dir, ROC_FILE)))) {
            points.computeIfAbsent(r.get("class"), k -> new ArrayList<>()).add(new double[]{
                    Double.parseDouble(r.get("threshold")), Double.parseDouble(r.get("fpr")),
                    Double.parseDouble(r.get("tpr"))});
        }
        List<RocCurve> curves = new ArrayList<>();
        for (String name : names) {
            List<double[]> p = points.getOrDefault(name, List.of());
            double[] thr = new double[p.size()];
            double[] fpr = new double[p.size()];
            double[] tpr = new double[p.size()];
            for (int i = 0; i < p.size(); i++) {
                thr[i] = p.get(i)[0];
                fpr[i] = p.get(i)[1];
                tpr[i] = p.get(i)[2];
            }
            curves.add(RocCurve.fromPoints(thr, fpr, tpr));
        }
        return curves;
    }

    /** @return a classification report like the notebook's (sklearn's layout) plus AUC per class */
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
        sb.append(String.format("%nloss %.4f", m.loss()));
        m.confusedPairs().stream().findFirst().ifPresent(p -> sb.append(String.format(
                "; most confused pair: %s / %s (%d + %d)", m.classNames().get(p.a()), m.classNames().get(p.b()),
                p.aAsB(), p.bAsA())));
        return sb.append('\n').toString();
    }
}
