package org.imgpipe.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.imgpipe.base.Console;
import org.imgpipe.base.EpochResult;
import org.imgpipe.config.PipelineConfig;
import org.imgpipe.config.SparkOptions;
import org.imgpipe.config.TrainOptions;
import org.imgpipe.data.Batches;
import org.imgpipe.data.DatasetLayout;
import org.imgpipe.data.ImageDecoder;
import org.imgpipe.data.Ingestor;
import org.imgpipe.data.LabeledImage;
import org.imgpipe.data.SampleDataGenerator;
import org.imgpipe.eval.DistributedEvaluator;
import org.imgpipe.model.ModelS;
import org.imgpipe.model.ModelSPredictor;
import org.imgpipe.registry.ModelVersion;
import org.imgpipe.runtime.NativeRuntime;
import org.imgpipe.score.BatchScorer;
import org.imgpipe.spark.SparkSessions;
import org.imgpipe.train.EpochListener;
import org.imgpipe.train.SparkTrainer;
import org.imgpipe.train.TrainingControl;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * Throughput of every stage, measured in one JVM on 2-core-sized workloads: training steps with DL4J's
 * stock layers; in turns, training steps with the fast path (and the PyTorch peer's) and the same training
 * through Spark parameter averaging in local[2], without and with conf/cifar10-augment.conf's augmentation;
 * ingest (PNG decode and write); in turns, inference (and the peer's), distributed evaluation and end-to-end
 * batch scoring of PNG files. Each figure is repeated after untimed warm-up runs and reported as median, min
 * and max in images/s, the figures compared also as each round's ratio; the medians end in one "BENCH {json}"
 * line.
 */
public final class Benchmark {
    private static final int BATCH = 32;
    /** Inference batch of the evaluate and score jobs' defaults ({@code conf/application.conf}). */
    private static final int INFER_BATCH = 256;
    /** Steps each training repeat takes before its clock starts (first-call allocations, primitive caches). */
    private static final int UNTIMED_STEPS = 2;
    /** Timed steps of a training repeat (10 with {@code quick}), and of each warm-up repeat in both modes. */
    private static final int TRAIN_STEPS = 40;
    /**
     * Untimed repeats of plain training before its timed ones, for the JVM's JIT; the PyTorch peer, a new
     * process a repeat without a JIT, trained no faster after 40 untimed steps than after its 2.
     */
    private static final int WARM_UP_REPEATS = 12;
    /** Untimed Spark epochs of each kind before the timed ones. */
    private static final int SPARK_WARM_UP_EPOCHS = 2;
    /** Untimed evaluation runs before the timed ones. */
    private static final int EVAL_WARM_UP_RUNS = 1;
    /** Untimed scoring runs before the timed ones. */
    private static final int SCORE_WARM_UP_RUNS = 3;
    /** The augmentation profile whose cost the benchmark measures (read from the checkout's root). */
    private static final String AUGMENT_PROFILE = "conf/cifar10-augment.conf";
    /** Spark training as the train job runs it in local[2], on 2 workers, one epoch per call. */
    private static final Map<String, String> SPARK_TRAINING = Map.of("pipeline.train.master.workers", "2",
            "pipeline.train.epochs", "1");
    /** The validation set of a timed Spark epoch: small, as the figure is about training. */
    private static final int VALIDATION_IMAGES = 64;

    private final boolean quick;
    private final Peer peer;
    private final Console out;
    private final Map<String, Object> medians = new LinkedHashMap<>();
    private final ModelS.Spec spec = ModelS.Spec.reference();
    private final List<LabeledImage> examples;

    /**
     * @param quick a run of a few minutes (fewer images and repeats)
     * @param peer  the PyTorch peer to measure in turns with the project, or null for none
     * @param out   where the figures and the BENCH line go
     */
    public Benchmark(boolean quick, Peer peer, Console out) {
        this.quick = quick;
        this.peer = peer;
        this.out = out;
        Random rnd = new Random(1);
        SampleDataGenerator gen = new SampleDataGenerator(32, 1, 1);
        examples = new ArrayList<>();
        for (int i = 0; i < (quick ? 1280 : 5120); i++) {
            examples.add(new LabeledImage(i % 10, gen.image(i % 10, rnd)));
        }
    }

    /**
     * Runs every measurement, repeated (3 times with {@code quick}, else 7; fewer for stock DL4J), prints each
     * figure's median, min and max, each round's ratios of the figures compared, and ends with the
     * {@code BENCH {json}} line.
     *
     * @return the medians by figure name in images/s (e.g. {@code train_img_s_plain}), plus {@code cores} and,
     *     with the PyTorch peer, the project/PyTorch ratios {@code train_vs_torch} and {@code infer_vs_torch}
     * @throws Exception when a measurement fails
     */
    public Map<String, Object> run() throws Exception {
        // Seven: the plain loop's repeats spread by up to +-20 % within a run, PyTorch's by less.
        int repeats = quick ? 3 : 7;
        out.format("Benchmark (%s): %d cores, nd4j build '%s', oneDNN helpers %s", quick ? "quick" : "full",
                Runtime.getRuntime().availableProcessors(), System.getProperty(NativeRuntime.EXTENSION_PROPERTY, ""),
                NativeRuntime.helpersActive() ? "on" : "off");
        int trainSteps = quick ? 10 : TRAIN_STEPS;
        // Untimed repeats of the full measurement, also with --quick: the JIT compiles the fast path's Java
        // loops (and what a new graph runs first) over the first ~500 steps (460 took 6.4 s of compilation
        // time); after 60 untimed steps the repeats still climbed from 664 to ~770-810 images/s while it did.
        warmUp(WARM_UP_REPEATS, () -> trainPlain(build(true), TRAIN_STEPS));
        int inferBatches = quick ? 4 : 16;
        Peer.Availability torch = peer == null ? null : peer.check();
        if (torch != null && !torch.available()) {
            out.line("peer skipped: " + torch.reason());
        }
        boolean withPeer = torch != null && torch.available();
        inTurns(quick ? 2 : 3, one("train_img_s_stock_dl4j", () -> trainPlain(build(false), quick ? 3 : 8)));
        java.nio.file.Path tmp = Files.createTempDirectory("imgpipe-bench");
        try (SparkSession spark = SparkSessions.create(new SparkOptions("local[2]", "imgpipe-bench"))) {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            JavaRDD<LabeledImage> rdd = jsc.parallelize(examples, 2).persist(StorageLevel.MEMORY_ONLY());
            rdd.count();
            JavaRDD<LabeledImage> validation = jsc.parallelize(examples.subList(0, VALIDATION_IMAGES), 2);
            TrainOptions plain = PipelineConfig.of(SPARK_TRAINING).train();
            TrainOptions augmented = PipelineConfig.load(AUGMENT_PROFILE, SPARK_TRAINING).train();
            // Every training figure in turns: the plain loop with PyTorch's and with the Spark epochs it is compared
            // to. The first Spark epoch of a JVM ran at ~55 % of the next (296-397 against 593-711 images/s), and
            // after one untimed epoch each the timed ones still climbed (572 595 637 730 696): two untimed each.
            LinkedHashMap<String, Measurement> training = new LinkedHashMap<>();
            training.put("train_img_s_plain", () -> trainPlain(build(true), trainSteps));
            if (withPeer) {
                training.put("train_img_s_torch", () -> peer.train(trainSteps, UNTIMED_STEPS, BATCH));
            }
            training.put("train_img_s_spark_local2", () -> trainSpark(jsc, rdd, validation, build(true), plain));
            training.put("train_img_s_spark_local2_augment",
                    () -> trainSpark(jsc, rdd, validation, build(true), augmented));
            warmUp(SPARK_WARM_UP_EPOCHS, training.get("train_img_s_spark_local2"));
            warmUp(SPARK_WARM_UP_EPOCHS, training.get("train_img_s_spark_local2_augment"));
            out.line("training, each round: " + roundRatios(inTurns(repeats, training),
                    new Compared("training/PyTorch", "train_img_s_plain", "train_img_s_torch"),
                    new Compared("local[2]/plain", "train_img_s_spark_local2", "train_img_s_plain"),
                    new Compared("augmented/plain spark", "train_img_s_spark_local2_augment",
                            "train_img_s_spark_local2")));
            inTurns(repeats, one("ingest_img_s", () -> ingest(spark, tmp)));
            // Inference, evaluation and scoring in turns: their ratios compare figures of the same minutes
            // (measured one after another, evaluation/inference moved from 0.78 to 0.93 and scoring/inference
            // from 0.65 to 0.83 between runs on this machine). Untimed first, like the first training steps:
            // the first evaluation ran ~25 % below the next; a fresh JVM's first scoring run (compiling the
            // decoder, the Parquet and CSV writers) took 2.5 times a warm run's time, and the next two still
            // climbed.
            LinkedHashMap<String, Measurement> inference = new LinkedHashMap<>();
            inference.put("infer_img_s", () -> infer(build(true), inferBatches));
            if (withPeer) {
                inference.put("infer_img_s_torch", () -> peer.infer(inferBatches, 1, INFER_BATCH));
            }
            inference.put("eval_img_s", () -> evaluate(jsc, rdd, build(true)));
            inference.put("score_img_s", () -> score(spark, tmp, build(true)));
            warmUp(EVAL_WARM_UP_RUNS, inference.get("eval_img_s"));
            warmUp(SCORE_WARM_UP_RUNS, inference.get("score_img_s"));
            out.line("inference, each round: " + roundRatios(inTurns(repeats, inference),
                    new Compared("inference/PyTorch", "infer_img_s", "infer_img_s_torch"),
                    new Compared("eval/infer", "eval_img_s", "infer_img_s"),
                    new Compared("score/infer", "score_img_s", "infer_img_s")));
        } finally {
            useAllCores();
            org.apache.commons.io.FileUtils.deleteQuietly(tmp.toFile());
        }
        medians.put("cores", Runtime.getRuntime().availableProcessors());
        out.format("fast/stock: %.2fx; spark local[2]/plain: %.2fx; augmented/plain spark: %.3fx; eval/infer: %.2fx; "
                        + "score/infer: %.2fx", ratio("train_img_s_plain", "train_img_s_stock_dl4j"),
                ratio("train_img_s_spark_local2", "train_img_s_plain"),
                ratio("train_img_s_spark_local2_augment", "train_img_s_spark_local2"),
                ratio("eval_img_s", "infer_img_s"), ratio("score_img_s", "infer_img_s"));
        if (medians.containsKey("train_img_s_torch")) {
            double training = ratio("train_img_s_plain", "train_img_s_torch");
            double inference = ratio("infer_img_s", "infer_img_s_torch");
            // Rounded for the BENCH line only: printed from 3 decimals, 1.4547 had shown as 1.46x.
            medians.put("train_vs_torch", Math.round(training * 1000) / 1000.0);
            medians.put("infer_vs_torch", Math.round(inference * 1000) / 1000.0);
            out.format("project/PyTorch: training %.2fx, inference %.2fx", training, inference);
        }
        out.line("BENCH " + new ObjectMapper().writeValueAsString(medians));
        return medians;
    }

    /** One measurement in images (or files) per second. */
    @FunctionalInterface
    private interface Measurement {
        double imagesPerSecond() throws Exception;
    }

    /** Runs a measurement without recording it, so that the repeats after it time compiled code. */
    private static void warmUp(int repeats, Measurement m) throws Exception {
        for (int i = 0; i < repeats; i++) {
            m.imagesPerSecond();
        }
    }

    /**
     * Figures measured in turns, each round in the reverse order of the one before (a b c c b a a b c ...), so
     * that all see the same state of a noisy machine and none always runs right after the same other (whose
     * JIT or GC threads may still be busy); then reported in the map's order.
     *
     * @param repeats the rounds
     * @param figures the measurements by figure name, in the order of the first round
     * @return each figure's values in images/s, round by round
     * @throws Exception when a measurement fails
     */
    private Map<String, double[]> inTurns(int repeats, LinkedHashMap<String, Measurement> figures) throws Exception {
        List<String> names = new ArrayList<>(figures.keySet());
        Map<String, double[]> values = new LinkedHashMap<>();
        names.forEach(n -> values.put(n, new double[repeats]));
        List<String> reversed = new ArrayList<>(names);
        Collections.reverse(reversed);
        for (int i = 0; i < repeats; i++) {
            for (String name : i % 2 == 0 ? names : reversed) {
                values.get(name)[i] = figures.get(name).imagesPerSecond();
            }
        }
        values.forEach(this::report);
        return values;
    }

    /** A figure measured on its own, for {@link #inTurns}. */
    private static LinkedHashMap<String, Measurement> one(String name, Measurement m) {
        LinkedHashMap<String, Measurement> figure = new LinkedHashMap<>();
        figure.put(name, m);
        return figure;
    }

    /** Prints a figure's median, min, max and its values in order, and keeps the median for the BENCH line. */
    private void report(String name, double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        double median = medianOfSorted(s);
        medians.put(name, Math.round(median * 10) / 10.0);
        // The runs in their order as well: a figure still climbing from run to run was measured while the
        // JIT was still compiling its code.
        out.format("%-26s median %8.1f  min %8.1f  max %8.1f  (%d runs: %s)", name, median, s[0], s[s.length - 1],
                v.length, joined(v, "%.0f"));
    }

    /** The values in order, each formatted alike, separated by spaces. */
    private static String joined(double[] values, String format) {
        return Arrays.stream(values).mapToObj(x -> String.format(Locale.ROOT, format, x))
                .collect(Collectors.joining(" "));
    }

    /** The median of values sorted ascending; the mean of the middle two for an even count. */
    private static double medianOfSorted(double[] s) {
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** Two figures of one {@link #inTurns} group compared, as {@code figure / over}, under a label. */
    private record Compared(String label, String figure, String over) {
    }

    /**
     * Each pair's ratio in every round of its group, minutes apart at most, and the median of those ratios:
     * where the machine's speed stepped during the group, the medians' ratio mixes its two speeds and these do
     * not.
     *
     * @param runs  one {@link #inTurns} group's values
     * @param pairs the figures compared; a pair with a figure not measured (the peer skipped) is left out
     * @return e.g. {@code "eval/infer 0.93x (0.88 0.95 ...); score/infer ..."}
     */
    private static String roundRatios(Map<String, double[]> runs, Compared... pairs) {
        return Arrays.stream(pairs).filter(p -> runs.containsKey(p.figure()) && runs.containsKey(p.over()))
                .map(p -> {
                    double[] x = runs.get(p.figure());
                    double[] y = runs.get(p.over());
                    double[] r = new double[x.length];
                    Arrays.setAll(r, i -> x[i] / y[i]);
                    double[] sorted = r.clone();
                    Arrays.sort(sorted);
                    return String.format(Locale.ROOT, "%s %.2fx (%s)", p.label(), medianOfSorted(sorted),
                            joined(r, "%.2f"));
                })
                .collect(Collectors.joining("; "));
    }

    private ComputationGraph build(boolean fastPath) {
        return NativeRuntime.withHelpers(fastPath, () -> ModelS.build(spec));
    }

    /** The median of figure a over figure b's. */
    private double ratio(String a, String b) {
        return (double) medians.get(a) / (double) medians.get(b);
    }

    /** The i-th minibatch of 32, built the way the Spark path builds them. */
    private DataSet minibatch(int i) {
        int from = (i * BATCH) % (examples.size() - BATCH);
        return Batches.dataSet(examples.subList(from, from + BATCH), 32, 10, 0);
    }

    private double trainPlain(ComputationGraph graph, int steps) {
        useAllCores();
        for (int i = 0; i < UNTIMED_STEPS; i++) {
            graph.fit(minibatch(i));
        }
        long start = System.nanoTime();
        for (int i = 0; i < steps; i++) {
            graph.fit(minibatch(i));
        }
        return steps * BATCH / seconds(start);
    }

    /** Images/s of the executors' inference path ({@link ModelSPredictor}) at batch {@value #INFER_BATCH}. */
    private double infer(ComputationGraph graph, int batches) {
        useAllCores();
        INDArray x = Batches.features(examples.subList(0, INFER_BATCH), 32);
        try (ModelSPredictor predictor = ModelSPredictor.of(graph)) {
            predictor.probabilities(x);
            long start = System.nanoTime();
            for (int i = 0; i < batches; i++) {
                predictor.probabilities(x);
            }
            return batches * INFER_BATCH / seconds(start);
        }
    }

    /**
     * One epoch of the production training loop ({@link SparkTrainer#fit}: shuffled minibatches written to
     * minibatch files, parameter averaging on 2 workers, the metrics collector), timed by the loop itself
     * from the epoch's start to the end of its fit; the validation that follows (on
     * {@link #VALIDATION_IMAGES} images) is not counted.
     */
    private double trainSpark(JavaSparkContext jsc, JavaRDD<LabeledImage> rdd, JavaRDD<LabeledImage> validation,
                              ComputationGraph graph, TrainOptions options) throws IOException {
        double[] rate = new double[1];
        new SparkTrainer(jsc, options, evaluator(jsc), out)
                .addListener(new EpochListener() {
                    @Override
                    public void onFitEnd(int epoch, long images, double seconds) {
                        rate[0] = images / seconds;
                    }

                    @Override
                    public void onEpochEnd(EpochResult result, TrainingControl control) {
                    }
                })
                .fit(graph, rdd, validation, 32, 10, 1, new TrainingControl(options.learningRate()));
        return rate[0];
    }

    /**
     * The driver's thread gets all the cores, as the plain loop and inference run there in turns with Spark
     * jobs: a local[2] session leaves it one task's share ({@code SparkSessions.create}).
     */
    private static void useAllCores() {
        NativeRuntime.useThreads(Runtime.getRuntime().availableProcessors());
    }

    /** The evaluator of the evaluate job's defaults: batch {@value #INFER_BATCH}, 200 ROC thresholds. */
    private DistributedEvaluator evaluator(JavaSparkContext jsc) {
        return new DistributedEvaluator(jsc, 32, INFER_BATCH, 200, out);
    }

    private double evaluate(JavaSparkContext jsc, JavaRDD<LabeledImage> rdd, ComputationGraph graph)
            throws IOException {
        long total = rdd.count();
        long start = System.nanoTime();
        long n = evaluator(jsc).evaluate(graph, rdd, 10, "bench evaluate", total).count();
        return n / seconds(start);
    }

    private int ingestRun;

    private double ingest(SparkSession spark, java.nio.file.Path tmp) throws IOException {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        Path root = new Path(tmp.toUri().toString(), "images");
        if (!Files.exists(tmp.resolve("images"))) {
            new SampleDataGenerator(32, quick ? 100 : 300, 5).generate(root, List.of("train1"), conf);
        }
        long start = System.nanoTime();
        long n = new Ingestor(spark, 32, 0, ImageDecoder.DEFAULT_MAX_PIXELS, out)
                .ingest(DatasetLayout.scan(root, List.of("train1"), conf),
                        new Path(tmp.toUri().toString(), "decoded-" + ingestRun++)).decoded();
        return n / seconds(start);
    }

    /**
     * End-to-end batch scoring of a dump of PNG files (3,000 quick, 10,000 full: a run pays a fixed
     * cost for listing the files, shipping the model and its Spark job, which a real dump amortizes): list,
     * read, decode, infer, write Parquet and CSV.
     */
    private double score(SparkSession spark, java.nio.file.Path tmp, ComputationGraph graph) throws IOException {
        Path dump = new Path(tmp.toUri().toString(), "dump");
        if (!Files.exists(tmp.resolve("dump"))) {
            new SampleDataGenerator(32, quick ? 300 : 1000, 6).generate(dump, List.of("day1"),
                    spark.sparkContext().hadoopConfiguration());
        }
        ModelVersion version = new ModelVersion("bench", java.time.Instant.now().toString(),
                SampleDataGenerator.CLASS_NAMES, 32, Map.of(), Map.of(), "");
        long start = System.nanoTime();
        long n = new BatchScorer(spark, INFER_BATCH, 0, ImageDecoder.DEFAULT_MAX_PIXELS, out).score(dump.toString(),
                new Path(tmp.toUri().toString(), "scores"), version, graph, false).scored();
        return n / seconds(start);
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
