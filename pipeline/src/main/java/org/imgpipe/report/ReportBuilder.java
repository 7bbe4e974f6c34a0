package org.imgpipe.report;

import org.imgpipe.base.EpochMetric;
import org.imgpipe.config.AugmentOptions;
import org.imgpipe.data.ImageAugmenter;
import org.imgpipe.data.IngestReport;
import org.imgpipe.data.LabeledImage;
import org.imgpipe.eval.ClassificationMetrics;
import org.imgpipe.eval.ConfidentMistakes;
import org.imgpipe.eval.MetricsReport;
import org.imgpipe.base.EpochResult;
import org.imgpipe.train.EpochShuffler;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * Lays out a run's report: the reference notebook's pictures in its order (class distribution,
 * sample images (and their augmentations when training augments), model summary, training curves, confusion matrix, ROC curves, metrics table, most
 * confused classes), then the most confident mistakes, the run beside the reference, the epochs with
 * their time, and the settings and environment. A section whose inputs do not exist yet is left out
 * and the introduction says which stage would add it.
 */
public final class ReportBuilder {
    /** Scale of the image grids: 32 px images become 96 px. */
    static final int GRID_SCALE = 3;
    static final int CONFUSED_PAIRS = 5;
    static final int MISTAKE_COLUMNS = 6;
    static final int SKIPPED_SHOWN = 50;
    static final int AUGMENTED_DRAWS = 5;

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
        run.samples().filter(x -> !x.images().isEmpty()).ifPresent(x -> {
            s.add(samples(x, run.classNames()));
            if (run.augment().enabled()) {
                s.add(augmented(x, run.classNames(), run.augment()));
            }
        });
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
            String split = eval.get().split();
            s.add(new ReportDocument.Section("confusion", "Confusion matrix", List.of(new ReportDocument.Figure(
                    "confusion-matrix.png", Charts.confusionHeatMap("Confusion matrix: " + split, m.classNames(),
                    m.confusion()), "Confusion matrix on " + split + " (rows: true class, columns: predicted class)"))));
            s.add(new ReportDocument.Section("roc", "ROC curves", List.of(new ReportDocument.Figure("roc.png",
                    Charts.rocCurves(m.classNames(), m.roc()), "One-vs-rest ROC curve per class on " + split
                    + ", AUC in the legend"))));
            s.add(metrics(eval.get()));
            s.add(confusedPairs(m));
            if (!eval.get().mistakes().isEmpty()) {
                s.add(mistakes(eval.get()));
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
        for (int f = 0; f < ingest.folds().size(); f++) {
            String fold = ingest.folds().get(f);
            // The index keeps two folds whose names differ only in unsafe characters apart.
            b.add(new ReportDocument.Figure("class-distribution-" + (f + 1) + "-" + fileStem(fold) + ".png",
                    Charts.classDistribution(fold, ingest.classNames(), ingest.counts().get(fold)),
                    "Images per class in " + fold));
        }
        if (!ingest.skipped().isEmpty()) {
            List<List<String>> rows = ingest.skipped().stream().limit(SKIPPED_SHOWN)
                    .map(x -> List.of(x.path(), x.reason())).toList();
            b.add(new ReportDocument.Text("Skipped files" + (ingest.skipped().size() > SKIPPED_SHOWN
                    ? " (first " + SKIPPED_SHOWN + " of " + ingest.skipped().size() + "; all in "
                    + IngestReport.JSON_FILE + ")" : "") + ":"));
            b.add(new ReportDocument.Table(List.of("file", "reason"), rows));
        }
        return new ReportDocument.Section("class-distribution", "Class distribution", b);
    }

    /** One row per class, its images in storage order, empty cells where a class has fewer. */
    private static ReportDocument.Section samples(RunOutputs.Samples samples, List<String> classNames) {
        List<ImageGrid.Tile> tiles = new ArrayList<>();
        for (int c = 0; c < classNames.size(); c++) {
            final int label = c;
            List<LabeledImage> mine = samples.images().stream().filter(e -> e.label() == label).toList();
            mine.forEach(e -> tiles.add(new ImageGrid.Tile(e.pixels(), classNames.get(label))));
            for (int k = mine.size(); k < samples.perClass(); k++) {
                tiles.add(ImageGrid.Tile.EMPTY);
            }
        }
        byte[] png = Png.encode(ImageGrid.draw(tiles, samples.perClass(), samples.imageSize(), GRID_SCALE));
        return new ReportDocument.Section("samples", "Sample images", List.of(new ReportDocument.Figure(
                "samples.png", png, "The first images of each class in " + samples.fold() + ", enlarged "
                + GRID_SCALE + "x without smoothing")));
    }

    /**
     * The first sample of each class beside {@value #AUGMENTED_DRAWS} random augmentations of it, drawn
     * as training draws them (keys from the same hash of seed, epoch and position).
     */
    private static ReportDocument.Section augmented(RunOutputs.Samples samples, List<String> classNames,
                                                    AugmentOptions augment) {
        ImageAugmenter augmenter = new ImageAugmenter(augment);
        List<ImageGrid.Tile> tiles = new ArrayList<>();
        for (int c = 0; c < classNames.size(); c++) {
            final int label = c;
            Optional<LabeledImage> first = samples.images().stream().filter(e -> e.label() == label).findFirst();
            if (first.isEmpty()) {
                continue;
            }
            tiles.add(new ImageGrid.Tile(first.get().pixels(), classNames.get(c)));
            for (int epoch = 1; epoch <= AUGMENTED_DRAWS; epoch++) {
                tiles.add(new ImageGrid.Tile(augmenter.apply(first.get().pixels(), samples.imageSize(),
                        EpochShuffler.mix(0, epoch, c)), "draw " + epoch));
            }
        }
        return new ReportDocument.Section("augmented", "Augmented training images", List.of(
                new ReportDocument.Text("Training augments every image anew each epoch (" + augment
                        + "); validation, evaluation and scoring never do. Settings as configured for this report."),
                new ReportDocument.Figure("augmented.png", Png.encode(ImageGrid.draw(tiles, 1 + AUGMENTED_DRAWS,
                        samples.imageSize(), GRID_SCALE)), "Each row: an image of " + samples.fold()
                        + " and " + AUGMENTED_DRAWS + " random augmentations of it")));
    }

    private ReportDocument.Section trainingCurves(List<EpochResult> history) {
        List<ReportDocument.Block> b = new ArrayList<>();
        b.add(new ReportDocument.Figure("training-accuracy.png",
                Charts.trainingCurve(EpochMetric.ACCURACY, history, reference.history()),
                "Accuracy per epoch; dashed: the reference notebook"));
        b.add(new ReportDocument.Figure("training-loss.png",
                Charts.trainingCurve(EpochMetric.LOSS, history, reference.history()),
                "Loss per epoch (cross-entropy plus the L1/L2 penalty, as Keras reports it); dashed: the reference"));
        b.add(new ReportDocument.Text(lrChanges("This run", history) + " "
                + lrChanges("The reference", reference.history())));
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
        List<List<String>> rows = m.confusedPairs().stream().limit(CONFUSED_PAIRS).map(p -> List.of(
                m.classNames().get(p.a()) + " / " + m.classNames().get(p.b()), Long.toString(p.aAsB()),
                Long.toString(p.bAsA()), Long.toString(p.errors()))).toList();
        return new ReportDocument.Section("confused-pairs", "Most confused classes", List.of(
                new ReportDocument.Text("Pairs of classes by errors in both directions (A taken for B, B for A)."),
                new ReportDocument.Table(List.of("classes A / B", "A as B", "B as A", "errors"), rows)));
    }

    private static ReportDocument.Section mistakes(MetricsReport.Saved eval) {
        List<String> names = eval.metrics().classNames();
        List<ConfidentMistakes.Mistake> ms = eval.mistakes();
        int size = (int) Math.round(Math.sqrt(ms.get(0).pixels().length / 3.0));
        List<ImageGrid.Tile> tiles = ms.stream().map(x -> new ImageGrid.Tile(x.pixels(), "true: "
                + names.get(x.label()) + "\npred: " + names.get(x.predicted()) + String.format(Locale.ROOT,
                " %.2f", x.confidence()))).toList();
        return new ReportDocument.Section("misclassified", "Most confident mistakes", List.of(
                new ReportDocument.Figure("misclassified.png", Png.encode(ImageGrid.draw(tiles, MISTAKE_COLUMNS, size,
                        GRID_SCALE)), "The " + ms.size() + " misclassified images of " + eval.split()
                        + " the model was surest of: true class, predicted class and its probability")));
    }

    private ReportDocument.Section besideReference(RunOutputs run) {
        List<EpochResult> h = run.history();
        List<EpochResult> ref = reference.history();
        List<List<String>> rows = new ArrayList<>();
        rows.add(compareAt("val_accuracy after epoch 2", HistoryFigures.epoch(h, 2), HistoryFigures.epoch(ref, 2),
                EpochResult::valAccuracy));
        rows.add(compareAt("peak val_accuracy", HistoryFigures.peakValAccuracy(h),
                HistoryFigures.peakValAccuracy(ref), EpochResult::valAccuracy));
        rows.add(compareAt("final val_accuracy", HistoryFigures.lastValAccuracy(h),
                HistoryFigures.lastValAccuracy(ref), EpochResult::valAccuracy));
        rows.add(compareAt("best val_loss", HistoryFigures.bestValLoss(h), HistoryFigures.bestValLoss(ref),
                EpochResult::valLoss));
        Optional<Integer> drop = HistoryFigures.stepDrops(h).stream().findFirst();
        Optional<Integer> refDrop = HistoryFigures.stepDrops(ref).stream().findFirst();
        rows.add(List.of("first LR drop after epoch", drop.map(String::valueOf).orElse(noDrop(h)),
                refDrop.map(String::valueOf).orElse(noDrop(ref)),
                drop.isPresent() && refDrop.isPresent() ? signed(drop.get() - refDrop.get()) : ""));
        rows.add(List.of("epochs logged", Integer.toString(h.size()), Integer.toString(ref.size()),
                signed(h.size() - ref.size())));
        run.evaluation().ifPresent(e -> {
            ClassificationMetrics m = e.metrics();
            rows.add(compare("accuracy (run: " + e.split() + ", reference: test)", m.accuracy(),
                    reference.metric("accuracy")));
            rows.add(compare("macro precision", m.macroPrecision(), reference.metric("macro_precision")));
            rows.add(compare("macro recall", m.macroRecall(), reference.metric("macro_recall")));
            rows.add(compare("macro F1", m.macroF1(), reference.metric("macro_f1")));
            rows.add(compare("weighted F1", m.weightedF1(), reference.metric("weighted_f1")));
            m.confusedPairs().stream().findFirst().ifPresent(top -> rows.add(List.of("most confused pair",
                    m.classNames().get(top.a()) + " / " + m.classNames().get(top.b()), reference.mostConfusedPair(),
                    "")));
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
            String refValAccuracy = HistoryFigures.epoch(reference.history(), e.epoch())
                    .map(r -> f4(r.valAccuracy())).orElse("");
            rows.add(List.of(Integer.toString(e.epoch()), f4(e.loss()), f4(e.accuracy()), f4(e.valLoss()),
                    f4(e.valAccuracy()), refValAccuracy, String.format(Locale.ROOT, "%.0e", e.lr()),
                    String.format(Locale.ROOT, "%.1f", e.seconds()),
                    images > 0 && e.seconds() > 0 ? String.format(Locale.ROOT, "%.0f", images / e.seconds()) : ""));
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

    /** A figure taken at an epoch of each history, shown with its epoch. */
    private static List<String> compareAt(String figure, Optional<EpochResult> run, Optional<EpochResult> ref,
                                          ToDoubleFunction<EpochResult> value) {
        double r = run.map(value::applyAsDouble).orElse(Double.NaN);
        double f = ref.map(value::applyAsDouble).orElse(Double.NaN);
        return List.of(figure, atEpoch(r, run), atEpoch(f, ref), difference(r, f));
    }

    private static String atEpoch(double v, Optional<EpochResult> e) {
        return Double.isFinite(v) ? f4(v) + " (epoch " + e.get().epoch() + ")" : "";
    }

    private static String difference(double run, double ref) {
        return Double.isFinite(run) && Double.isFinite(ref) ? String.format(Locale.ROOT, "%+.4f", run - ref) : "";
    }

    private static String lrChanges(String who, List<EpochResult> history) {
        if (HistoryFigures.decaysEveryEpoch(history)) {
            return String.format(Locale.ROOT, "%s lowered the learning rate after every epoch, from %.3g to %.3g.",
                    who, history.get(0).lr(), history.get(history.size() - 1).lr());
        }
        List<Integer> drops = HistoryFigures.lrDrops(history);
        return drops.isEmpty() ? who + " did not lower the learning rate." : who + " lowered the learning rate "
                + "after epoch " + drops.stream().map(String::valueOf).reduce((a, b) -> a + ", " + b).get() + ".";
    }

    private static String noDrop(List<EpochResult> history) {
        return HistoryFigures.decaysEveryEpoch(history) ? "every epoch (decay)" : "none";
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
