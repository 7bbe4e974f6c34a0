package org.imgpipe.train;

import org.imgpipe.base.Console;
import org.imgpipe.base.EpochResult;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.impl.paramavg.util.ExportSupport;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.imgpipe.config.TrainOptions;
import org.imgpipe.data.LabeledImage;
import org.imgpipe.eval.DistributedEvaluator;
import org.imgpipe.eval.EvalAccumulator;
import org.imgpipe.model.ModelS;
import org.imgpipe.spark.JobPhase;
import org.imgpipe.spark.SparkSessions;
import org.imgpipe.spark.ProgressMonitor;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The explicit epoch loop: each epoch trains on a fresh shuffle with dl4j-spark parameter averaging
 * (one fit per epoch, optimizer state averaged too), validates on the executors, and hands the
 * figures to the listeners, which may change the learning rate or stop training.
 */
public final class SparkTrainer {
    private final JavaSparkContext jsc;
    private final TrainOptions options;
    private final DistributedEvaluator evaluator;
    private final Console console;
    private final List<EpochListener> listeners = new ArrayList<>();
    private WeightEma ema;
    /** Averaging rounds of a single worker's epoch, see {@link #averagingFrequency}. */
    static final int ROUNDS_PER_EPOCH = 20;

    /**
     * @param jsc the Spark context training and validation run in
     * @param options epochs, seed, augmentation and the parameter-averaging master's settings
     * @param evaluator computes the validation loss and accuracy on the executors after every epoch
     * @param console where the progress lines within an epoch go
     */
    public SparkTrainer(JavaSparkContext jsc, TrainOptions options, DistributedEvaluator evaluator, Console console) {
        this.console = console;
        this.jsc = jsc;
        this.options = options;
        this.evaluator = evaluator;
    }

    /**
     * Adds a callback that runs at every epoch's end, after those added before it (so a checkpoint added last
     * sees the others' decisions).
     *
     * @param listener the callback
     * @return this trainer, for chaining
     */
    public SparkTrainer addListener(EpochListener listener) {
        listeners.add(listener);
        return this;
    }

    /**
     * Keeps an exponential moving average of the weights, updated after every averaging round; validation, and
     * so the callbacks, then see the average instead of the trained weights (Keras' {@code use_ema} with
     * {@code SwapEMAWeights(swap_on_epoch=True)}).
     *
     * @param average the average, started from or resumed with the model passed to {@link #fit}; null for none
     *                (the default: the trained weights are validated)
     * @return this trainer, for chaining
     */
    public SparkTrainer withEma(WeightEma average) {
        this.ema = average;
        return this;
    }

    /** What training ended with. */
    public record Outcome(int epochsRun, String stopReason) {
    }

    /**
     * Trains epochs {@code firstEpoch}..epochs (1 for a fresh run, later for a resumed one) unless
     * the control already holds a stop decision.
     */
    public Outcome fit(ComputationGraph graph, JavaRDD<LabeledImage> train, JavaRDD<LabeledImage> validation,
                       int imageSize, int numClasses, int firstEpoch, TrainingControl control) throws IOException {
        TrainingMetricsCollector collector = new TrainingMetricsCollector(jsc, ModelS.PENULTIMATE, ModelS.OUTPUT);
        ComputationGraph validated = ema == null ? graph : ema.model();
        int partitions = workers(jsc, options.master());
        Path exportDir = exportDir(jsc, options.master().exportDir());
        int epoch = firstEpoch - 1;
        double secondsSoFar = 0;
        double lastValidationSeconds = 0;
        try (EpochShuffler shuffler = new EpochShuffler(train, options.seed(), partitions, options.batchSize(),
                imageSize, numClasses, options.augment())) {
            JobPhase.set(jsc.sc(), "train: cache the training data");
            long images = shuffler.count();
            long validationImages = validation.count();
            int batch = options.master().batchSizePerWorker();
            while (!control.stopRequested() && epoch < options.epochs()) {
                epoch++;
                long start = System.nanoTime();
                if (graph.getLearningRate(ModelS.OUTPUT) != control.learningRate()) {
                    graph.setLearningRate(control.learningRate());
                }
                collector.reset();
                String name = "epoch " + epoch + "/" + options.epochs();
                JobPhase.set(jsc.sc(), name + " fit");
                double meanEpochSeconds = epoch == firstEpoch ? Double.NaN : secondsSoFar / (epoch - firstEpoch);
                int epochsAfter = options.epochs() - epoch;
                double validationSeconds = lastValidationSeconds;
                try (ProgressMonitor ignored = ProgressMonitor.start(collector::examples, images,
                        t -> epochLine(t, name, batch, epochsAfter, validationSeconds, meanEpochSeconds), console)) {
                    fitEpoch(graph, shuffler, epoch, partitions,
                            averagingFrequency(options.master(), images, partitions), exportDir,
                            imageSize, numClasses, collector);
                }
                double fitSeconds = (System.nanoTime() - start) / 1e9;
                for (EpochListener l : listeners) {
                    l.onFitEnd(epoch, images, fitSeconds);
                }
                long validationStart = System.nanoTime();
                EvalAccumulator val = evaluator.evaluate(validated, validation, numClasses, name + " validate",
                        validationImages);
                lastValidationSeconds = (System.nanoTime() - validationStart) / 1e9;
                JobPhase.set(jsc.sc(), "train: " + name + " callbacks");
                double valLoss = val.meanCrossEntropy() + validated.calcRegularizationScore(true);
                EpochResult result = new EpochResult(epoch, collector.meanLoss(), collector.accuracy(), valLoss,
                        val.accuracy(), control.learningRate(), (System.nanoTime() - start) / 1e9);
                secondsSoFar += result.seconds();
                for (EpochListener l : listeners) {
                    l.onEpochEnd(result, control);
                }
            }
        }
        return new Outcome(epoch, control.stopReason());
    }

    /**
     * The progress line of an epoch's fit, e.g. {@code epoch 7/40: 386/1,250 minibatches, 290 images/s,
     * ETA 1m40s (epoch), 55m10s (run)}. The epoch's time left adds the last epoch's validation time to
     * the fit's; the run's adds the later epochs at the mean epoch time so far (in the first epoch of a
     * run, at this epoch's projected time).
     *
     * @param t                 images fitted so far of the epoch's total, and seconds since it started
     * @param name              {@code epoch e/E}
     * @param batch             images per minibatch
     * @param epochsAfter       epochs still to train after this one
     * @param validationSeconds the last epoch's validation time in seconds (0 before the first)
     * @param meanEpochSeconds  the mean time of the epochs trained so far, NaN in the first
     * @return the line
     */
    static String epochLine(ProgressMonitor.Tick t, String name, int batch, int epochsAfter, double validationSeconds,
                            double meanEpochSeconds) {
        double epochLeft = t.etaSeconds() + validationSeconds;
        double epochSeconds = Double.isFinite(meanEpochSeconds) ? meanEpochSeconds : t.seconds() + epochLeft;
        return String.format(Locale.ROOT, "%s: %,d/%,d minibatches, %.0f images/s, ETA %s (epoch), %s (run)",
                name, t.done() / batch, (t.total() + batch - 1) / batch, t.rate(), ProgressMonitor.duration(epochLeft),
                ProgressMonitor.duration(epochLeft + epochsAfter * epochSeconds));
    }

    /**
     * One epoch of parameter averaging with a training master of its own, seeded by (seed, epoch):
     * dl4j-spark's master draws each fit's split of the minibatches from one generator, whose state a
     * resumed run would not have. The workers read the epoch's minibatches from {@link MinibatchExport}
     * files under exportDir ({@link #exportDir}), or from the RDD where it is null.
     */
    private void fitEpoch(ComputationGraph graph, EpochShuffler shuffler, int epoch, int partitions,
                          int averagingFrequency, Path exportDir, int imageSize, int numClasses,
                          TrainingMetricsCollector collector) throws IOException {
        ParameterAveragingTrainingMaster master = new RoundHookTrainingMaster(
                trainingMaster(jsc, options, averagingFrequency, EpochShuffler.mix(options.seed(), epoch, 0)),
                ema == null ? g -> { } : new EmaRoundUpdate(ema, collector,
                        (long) options.master().batchSizePerWorker() * partitions));
        master.addHook(new TaskThreads(SparkSessions.threadsPerTask(jsc.getConf(), partitions)));
        master.addHook(new DropoutSeeder(options.seed(), epoch));
        master.addHook(collector);
        SparkComputationGraph net = new SparkComputationGraph(jsc, graph, master);
        net.setListeners(collector);
        if (exportDir == null) {
            net.fit(shuffler.epoch(epoch, options.labelSmoothing()));
            return;
        }
        try (MinibatchExport export = MinibatchExport.write(jsc, shuffler.minibatches(epoch),
                new Path(exportDir, "epoch-" + epoch), imageSize, numClasses)) {
            net.fitPaths(export.paths(partitions), new MinibatchExport.Loader(options.labelSmoothing()));
        }
    }

    /**
     * After each averaging round, moves the average by the minibatches the round fitted per worker (the
     * collector's examples since the last round, over a global minibatch): the last round of an epoch may fit
     * fewer than the averaging frequency, and a round whose split was empty none.
     */
    private static final class EmaRoundUpdate implements Consumer<ComputationGraph> {
        private final WeightEma ema;
        private final TrainingMetricsCollector collector;
        private final long globalMinibatch;
        private long examplesBefore;

        EmaRoundUpdate(WeightEma ema, TrainingMetricsCollector collector, long globalMinibatch) {
            this.ema = ema;
            this.collector = collector;
            this.globalMinibatch = globalMinibatch;
            this.examplesBefore = collector.examples();
        }

        @Override
        public void accept(ComputationGraph graph) {
            long examples = collector.examples();
            if (examples > examplesBefore) {
                ema.update(graph.params(), (double) (examples - examplesBefore) / globalMinibatch);
                examplesBefore = examples;
            }
        }
    }

    /** Parallel training workers: the configured count, or Spark's default parallelism. */
    public static int workers(JavaSparkContext jsc, TrainOptions.MasterOptions m) {
        return m.workers() > 0 ? m.workers() : jsc.defaultParallelism();
    }

    /**
     * The minibatches each worker fits between averagings: the configured frequency, except that a
     * single worker, whose averaging changes nothing, fits at least 1/{@value #ROUNDS_PER_EPOCH} of the
     * epoch per round (a round costs ~0.2-0.5 s of broadcast, model set-up and collect, measured); the
     * rounds left only pace the progress line.
     *
     * @param m       {@code pipeline.train.master}: the configured frequency and the minibatch size
     * @param images  the epoch's training examples
     * @param workers the training workers
     * @return minibatches per worker per round, at least 1
     */
    static int averagingFrequency(TrainOptions.MasterOptions m, long images, int workers) {
        int configured = m.averagingFrequency();
        if (workers > 1) {
            return configured;
        }
        long minibatches = (images + m.batchSizePerWorker() - 1) / m.batchSizePerWorker();
        return (int) Math.max(configured, (minibatches + ROUNDS_PER_EPOCH - 1) / ROUNDS_PER_EPOCH);
    }

    /**
     * Where an epoch's minibatch files go: {@code <export-dir or hadoop.tmp.dir>/imgpipe-minibatches/<application
     * id>}. Null (train from the RDD) when that folder is on the local file system and the master is not local,
     * as the executors of a cluster do not share one local disk.
     *
     * @param jsc       the Spark context
     * @param exportDir {@code pipeline.train.master.export-dir}, empty for hadoop.tmp.dir
     * @return the folder, or null
     * @throws IOException when the folder's file system cannot be reached
     */
    static Path exportDir(JavaSparkContext jsc, String exportDir) throws IOException {
        Path base = new Path(exportDir.isEmpty() ? jsc.hadoopConfiguration().get("hadoop.tmp.dir") : exportDir);
        if (!ExportSupport.exportSupported(jsc.master(), base.getFileSystem(jsc.hadoopConfiguration()))) {
            return null;
        }
        return new Path(new Path(base, "imgpipe-minibatches"), jsc.sc().applicationId());
    }

    /**
     * @param averagingFrequency minibatches each worker fits per round ({@link #averagingFrequency})
     * @param rngSeed            the seed of the master's split of the minibatches into rounds
     * @return the dl4j-spark training master's settings for these options
     */
    private static ParameterAveragingTrainingMaster.Builder trainingMaster(JavaSparkContext jsc, TrainOptions options,
                                                                  int averagingFrequency, long rngSeed) {
        TrainOptions.MasterOptions m = options.master();
        return new ParameterAveragingTrainingMaster.Builder(
                workers(jsc, m), m.batchSizePerWorker())
                .batchSizePerWorker(m.batchSizePerWorker())
                .averagingFrequency(averagingFrequency)
                .workerPrefetchNumBatches(m.prefetch())
                .saveUpdater(m.saveUpdater())
                .rngSeed(rngSeed)
                // The epoch's partitions are already one per worker, and each split takes a balanced
                // share of every partition. dl4j-spark's default rebalancing (a count job and a
                // shuffle per split) would order each worker's minibatches by shuffle-fetch
                // completion on a cluster, so runs with the same seed would differ.
                .repartionData(Repartition.Never)
                // For fits from the RDD: the minibatch files replace dl4j-spark's export (fitEpoch).
                .rddTrainingApproach(RDDTrainingApproach.Direct)
                .collectTrainingStats(false);
    }
}
