package org.imgpipe.report;

import org.imgpipe.data.IngestReport;
import org.imgpipe.data.LabeledImage;
import org.imgpipe.eval.ClassificationMetrics;
import org.imgpipe.eval.ConfidentMistakes;
import org.imgpipe.eval.MetricsReport;
import org.imgpipe.train.EpochResult;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Lays out a run's report: the reference notebook's pictures in its order (class distribution,
 * sample images, model summary, training curves, confusion matrix, ROC curves, metrics table, most
 * confused classes), then the most confident mistakes, the run beside the reference, the epochs with
 * their time, and the settings and environment. A section whose inputs do not exist yet is left out
 * and the introduction says which stage would add it.
 */
public final class ReportBuilder {
    /** Scale of the image grids: 32 px images become 96 px. */
    static final int GRID_SCALE = 3;
    static final int CONFUSED_PAIRS = 5;

    private final ReferenceRun reference;

    /** @param reference the reference's figures, drawn beside the run's */
    public ReportBuilder(ReferenceRun reference) {
        this.reference = reference;
    }

    /**
     * @param run the run's outputs
     * @return the report; its sections are a subset of those named in the class comment, in that order
     */
    public ReportDocument build(RunOutputs run) {
        List<String> intro = new ArrayList<>();
        intro.add("Run in " + run.workDir() + ". Figures of the reference notebook are drawn dashed or listed "
                + "beside this run's.");
        List<ReportDocument.Section> s = new ArrayList<>();
        run.ingest().ifPresentOrElse(i -> s.add(classDistribution(i)),
                () -> intro.add("No ingest report yet: run the ingest job for the class distribution."));
        run.samples().filter(x -> !x.images().isEmpty()).ifPresent(x -> s.add(samples(x, run.classNames())));
        run.modelSummary().ifPresent(m -> s.add(new ReportDocument.Section("model", "Model summary",
                List.of(new ReportDocument.Code(m)))));
        if (run.history().isEmpty()) {
            intro.add("No training history yet: run the train job for the training curves and epoch times.");
        } else {
            s.add(trainingCurves(run.history()));
        }
        Optional<MetricsReport.Saved> eval = run.evaluation();
        if (eval.isPresent()) {
            ClassificationMetrics m = eval.get().metrics();
            s.add(new ReportDocument.Section("confusion", "Confusion matrix", List.of(new ReportDocument.Figure(
                    "confusion-matrix.png", Charts.confusionHeatMap("Confusion matrix: " + eval.get().split(),
                    m.classNames(), m.confusion()), "Confusion matrix on " + eval.get().split()
                    + " (rows: true class, columns: predicted class)"))));
            s.add(new ReportDocument.Section("roc", "ROC curves", List.of(new ReportDocument.Figure("roc.png",
                    Charts.rocCurves(m.classNames(), m.roc()), "One-vs-rest ROC curve per class on "
                    + eval.get().split() + ", AUC in the legend"))));
            s.add(metrics(eval.get()));
            s.add(confusedPairs(m));
            if (!eval.get().mistakes().isEmpty()) {
                s.add(mistakes(eval.get(), run.classNames()));
            }
        } else {
            intro.add("No evaluation of '" + run.evaluationSplit() + "' yet: run the evaluate job for the "
                    + "confusion matrix, ROC curves, metrics table, most confused classes and mistakes.");
        }
        s.add(besideReference(run));
        if (!run.history().isEmpty()) {
            s.add(epochs(run));
        }
        s.add(environment(run));
        return new ReportDocument("Model S report", intro, s);
    }

    private static ReportDocument.Section classDistribution(IngestReport ingest) {
        List<ReportDocument.Block> b = new ArrayList<>();
        b.add(new ReportDocument.Text(String.format(Locale.ROOT, "%,d images of %d classes decoded from %s in "
                + "%.1f s; %d files skipped.", ingest.decoded(), ingest.classNames().size(), ingest.sourceRoot(),
                ingest.seconds(), ingest.skipped().size())));
        for (String fold : ingest.folds()) {
            b.add(new ReportDocument.Figure("class-distribution-" + fileStem(fold) + ".png",
                    Charts.classDistribution(fold, ingest.classNames(), ingest.counts().get(fold)),
                    "Images per class in " + fold));
        }
        if (!ingest.skipped().isEmpty()) {
            List<List<String>> rows = ingest.skipped().stream().limit(50)
                    .map(x -> List.of(x.path(), x.reason())).toList();
            b.add(new ReportDocument.Text("Skipped files" + (ingest.skipped().size() > 50
                    ? " (first 50 of " + ingest.skipped().size() + "; all in ingest-report.json)" : "") + ":"));
            b.add(new ReportDocument.Table(List.of("file", "reason"), rows));
        }
        return new ReportDocument.Section("class-distribution", "Class distribution", b);
    }

    private static ReportDocument.Section samples(RunOutputs.Samples samples, List<String> classNames) {
        List<ImageGrid.Tile> tiles = samples.images().stream()
                .map(e -> new ImageGrid.Tile(e.pixels(), classNames.get(e.label()))).toList();
        int columns = (int) Math.max(1, samples.images().stream().filter(e -> e.label() == 0).count());
        byte[] png = ImageGrid.png(ImageGrid.draw(tiles, Math.min(columns, 10), samples.imageSize(), GRID_SCALE));
        return new ReportDocument.Section("samples", "Sample images", List.of(new ReportDocument.Figure(
                "samples.png", png, "The first images of each class in " + samples.fold() + ", enlarged "
                + GRID_SCALE + "x without smoothing")));
    }

    private ReportDocument.Section trainingCurves(List<EpochResult> history) {
        List<ReportDocument.Block> b = new ArrayList<>();
        b.add(new ReportDocument.Figure("training-accuracy.png",
                Charts.trainingCurve("accuracy", history, reference.history()),
                "Accuracy per epoch; dashed: the reference notebook"));
        b.add(new ReportDocument.Figure("training-loss.png",
                Charts.trainingCurve("loss", history, reference.history()),
                "Loss per epoch (cross-entropy plus the L1/L2 penalty, as Keras reports it); dashed: the reference"));
        b.add(new ReportDocument.Text(drops("This run", Charts.lrDrops(history)) + " "
                + drops("The reference", Charts.lrDrops(reference.history()))));
        return new ReportDocument.Section("training", "Training curves", b);
    }

    private static ReportDocument.Section metrics(MetricsReport.Saved eval) {
        ClassificationMetrics m = eval.metrics();
        List<List<String>> rows = new ArrayList<>();
        for (int c = 0; c < m.classNames().size(); c++) {
            ClassificationMetrics.PerClass p = m.perClass().get(c);
            rows.add(List.of(m.classNames().get(c), f4(p.precision()), f4(p.recall()), f4(p.f1()),
                    Long.toString(p.support()), f4(m.roc().get(c).auc())));
        }
        rows.add(List.of("accuracy", "", "", f4(m.accuracy()), Long.toString(m.count()), ""));
        rows.add(List.of("macro avg", f4(m.macroPrecision()), f4(m.macroRecall()), f4(m.macroF1()),
                Long.toString(m.count()), ""));
        rows.add(List.of("weighted avg", f4(m.weightedPrecision()), f4(m.weightedRecall()), f4(m.weightedF1()),
                Long.toString(m.count()), ""));
        return new ReportDocument.Section("metrics", "Metrics", List.of(
                new ReportDocument.Text(String.format(Locale.ROOT, "%s on %s: %,d images, loss %.4f.", eval.model(),
                        eval.split(), m.count(), m.loss())),
                new ReportDocument.Table(List.of("class", "precision", "recall", "f1-score", "support", "AUC"),
                        rows)));
    }

    private static ReportDocument.Section confusedPairs(ClassificationMetrics m) {
        record Pair(int a, int b, long ab, long ba) {
        }
        List<Pair> pairs = new ArrayList<>();
        long[][] cm = m.confusion();
        for (int i = 0; i < cm.length; i++) {
            for (int j = i + 1; j < cm.length; j++) {
                pairs.add(new Pair(i, j, cm[i][j], cm[j][i]));
            }
        }
        pairs.sort(Comparator.comparingLong((Pair p) -> -(p.ab() + p.ba())));
        List<List<String>> rows = pairs.stream().limit(CONFUSED_PAIRS).map(p -> List.of(
                m.classNames().get(p.a()) + " / " + m.classNames().get(p.b()),
                Long.toString(p.ab()), Long.toString(p.ba()), Long.toString(p.ab() + p.ba()))).toList();
        return new ReportDocument.Section("confused-pairs", "Most confused classes", List.of(
                new ReportDocument.Text("Pairs of classes by errors in both directions (A taken for B, B for A)."),
                new ReportDocument.Table(List.of("classes A / B", "A as B", "B as A", "errors"), rows)));
    }

    private static ReportDocument.Section mistakes(MetricsReport.Saved eval, List<String> classNames) {
        List<String> names = classNames.isEmpty() ? eval.metrics().classNames() : classNames;
        List<ConfidentMistakes.Mistake> ms = eval.mistakes();
        int size = (int) Math.round(Math.sqrt(ms.get(0).pixels().length / 3.0));
        List<ImageGrid.Tile> tiles = ms.stream().map(x -> new ImageGrid.Tile(x.pixels(), "true: "
                + names.get(x.label()) + "\npred: " + names.get(x.predicted()) + String.format(Locale.ROOT,
                " %.2f", x.confidence()))).toList();
        return new ReportDocument.Section("misclassified", "Most confident mistakes", List.of(
                new ReportDocument.Figure("misclassified.png", ImageGrid.png(ImageGrid.draw(tiles, 6, size,
                        GRID_SCALE)), "The " + ms.size() + " misclassified images of " + eval.split()
                        + " the model was surest of: true class, predicted class and its probability")));
    }

    private ReportDocument.Section besideReference(RunOutputs run) {
        List<EpochResult> h = run.history();
        List<EpochResult> ref = reference.history();
        List<List<String>> rows = new ArrayList<>();
        rows.add(compare("val_accuracy after epoch 2", h.size() >= 2 ? h.get(1).valAccuracy() : Double.NaN,
                ref.get(1).valAccuracy()));
        rows.add(compareAt("peak val_accuracy", ReferenceRun.peakValAccuracy(h),
                ReferenceRun.peakValAccuracy(ref), EpochResult::valAccuracy));
        rows.add(compareAt("final val_accuracy", h.stream().reduce((a, b) -> b),
                ref.stream().filter(e -> Double.isFinite(e.valAccuracy())).reduce((a, b) -> b),
                EpochResult::valAccuracy));
        rows.add(compareAt("best val_loss", ReferenceRun.bestValLoss(h), ReferenceRun.bestValLoss(ref),
                EpochResult::valLoss));
        List<Integer> drops = Charts.lrDrops(h);
        List<Integer> refDrops = Charts.lrDrops(ref);
        rows.add(List.of("first LR drop after epoch", drops.isEmpty() ? "none" : drops.get(0).toString(),
                refDrops.get(0).toString(), drops.isEmpty() ? "" : signed(drops.get(0) - refDrops.get(0))));
        rows.add(List.of("epochs logged", Integer.toString(h.size()), Integer.toString(ref.size()),
                signed(h.size() - ref.size())));
        run.evaluation().ifPresent(e -> {
            ClassificationMetrics m = e.metrics();
            String label = " (run: " + e.split() + ", reference: test)";
            rows.add(compare("accuracy" + label, m.accuracy(), reference.metrics().get("accuracy").asDouble()));
            rows.add(compare("macro precision", m.macroPrecision(),
                    reference.metrics().get("macro_precision").asDouble()));
            rows.add(compare("macro recall", m.macroRecall(), reference.metrics().get("macro_recall").asDouble()));
            rows.add(compare("macro F1", m.macroF1(), reference.metrics().get("macro_f1").asDouble()));
            rows.add(compare("weighted F1", m.weightedF1(), reference.metrics().get("weighted_f1").asDouble()));
            int[] pair = m.mostConfusedPair();
            rows.add(List.of("most confused pair", m.classNames().get(pair[0]) + " / " + m.classNames().get(pair[1]),
                    "cat / dog", ""));
        });
        return new ReportDocument.Section("reference", "This run beside the reference", List.of(
                new ReportDocument.Text("Differences are this run minus the reference. The reference evaluated its "
                        + "best model on the CIFAR-10 test set; this run on the split named."),
                new ReportDocument.Table(List.of("figure", "this run", "reference", "difference"), rows)));
    }

    private ReportDocument.Section epochs(RunOutputs run) {
        long images = run.trainImages() + run.validationImages();
        List<List<String>> rows = new ArrayList<>();
        for (EpochResult e : run.history()) {
            EpochResult ref = reference.history().stream().filter(r -> r.epoch() == e.epoch()).findFirst()
                    .orElse(null);
            rows.add(List.of(Integer.toString(e.epoch()), f4(e.loss()), f4(e.accuracy()), f4(e.valLoss()),
                    f4(e.valAccuracy()), ref == null ? "" : f4(ref.valAccuracy()),
                    String.format(Locale.ROOT, "%.0e", e.lr()), String.format(Locale.ROOT, "%.1f", e.seconds()),
                    images == 0 ? "" : String.format(Locale.ROOT, "%.0f", images / e.seconds())));
        }
        double total = run.history().stream().mapToDouble(EpochResult::seconds).sum();
        return new ReportDocument.Section("epochs", "Epochs: figures and time", List.of(
                new ReportDocument.Figure("epoch-seconds.png", Charts.epochSeconds(run.history()),
                        "Wall-clock seconds per epoch (training and validation)"),
                new ReportDocument.Text(String.format(Locale.ROOT, "%d epochs in %.1f min; images/s counts the "
                        + "%,d training and %,d validation images of an epoch over its wall-clock time.",
                        run.history().size(), total / 60, run.trainImages(), run.validationImages())),
                new ReportDocument.Table(List.of("epoch", "loss", "accuracy", "val_loss", "val_accuracy",
                        "reference val_accuracy", "lr", "seconds", "images/s"), rows)));
    }

    private static ReportDocument.Section environment(RunOutputs run) {
        List<ReportDocument.Block> b = new ArrayList<>();
        RunOutputs.RunSettings shown = run.training().orElse(run.reporting());
        b.add(new ReportDocument.Text(run.training().isPresent()
                ? "Recorded by the training job when it (last) started."
                : "The training recorded no environment: these are the report job's own environment and "
                + "settings."));
        b.add(new ReportDocument.Table(List.of("", "value"), shown.environment().rows()));
        b.add(new ReportDocument.Code(shown.settings()));
        return new ReportDocument.Section("environment", "Settings and environment", b);
    }

    private static List<String> compare(String figure, double run, double ref) {
        return List.of(figure, f4(run), f4(ref), difference(run, ref));
    }

    /** A figure taken at an epoch of each run, shown with its epoch. */
    private static List<String> compareAt(String figure, Optional<EpochResult> run, Optional<EpochResult> ref,
                                          java.util.function.ToDoubleFunction<EpochResult> value) {
        double r = run.map(value::applyAsDouble).orElse(Double.NaN);
        double f = ref.map(value::applyAsDouble).orElse(Double.NaN);
        return List.of(figure, run.map(e -> f4(r) + " (epoch " + e.epoch() + ")").orElse(""),
                ref.map(e -> f4(f) + " (epoch " + e.epoch() + ")").orElse(""), difference(r, f));
    }

    private static String difference(double run, double ref) {
        return Double.isFinite(run) && Double.isFinite(ref) ? String.format(Locale.ROOT, "%+.4f", run - ref) : "";
    }

    private static String drops(String who, List<Integer> drops) {
        return drops.isEmpty() ? who + " did not lower the learning rate." : who + " lowered the learning rate "
                + "after epoch " + drops.stream().map(String::valueOf).reduce((a, b) -> a + ", " + b).get() + ".";
    }

    private static String signed(int v) {
        return String.format(Locale.ROOT, "%+d", v);
    }

    private static String f4(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "";
    }

    /** A file name part made of safe characters only (fold names come from folder names). */
    static String fileStem(String s) {
        return s.replaceAll("[^A-Za-z0-9_-]", "_");
    }
}
