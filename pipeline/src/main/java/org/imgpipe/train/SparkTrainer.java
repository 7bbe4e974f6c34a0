package org.imgpipe.train;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.impl.paramavg.util.ExportSupport;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.imgpipe.config.TrainOptions;
import org.imgpipe.data.LabeledImage;
import org.imgpipe.eval.DistributedEvaluator;
import org.imgpipe.eval.EvalAccumulator;
import org.imgpipe.model.ModelS;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The explicit epoch loop: each epoch trains on a fresh shuffle with dl4j-spark parameter averaging
 * (one fit per epoch, optimizer state averaged too), validates on the executors, and hands the
 * figures to the listeners, which may change the learning rate or stop training.
 */
public final class SparkTrainer {
    private final JavaSparkContext jsc;
    private final TrainOptions options;
    private final DistributedEvaluator evaluator;
    private final List<EpochListener> listeners = new ArrayList<>();

    public SparkTrainer(JavaSparkContext jsc, TrainOptions options, DistributedEvaluator evaluator) {
        this.jsc = jsc;
        this.options = options;
        this.evaluator = evaluator;
    }

    public SparkTrainer addListener(EpochListener listener) {
        listeners.add(listener);
        return this;
    }

    /** What training ended with. */
    public record Outcome(int epochsRun, String stopReason) {
    }

    public Outcome fit(SparkComputationGraph net, JavaRDD<LabeledImage> train, JavaRDD<LabeledImage> validation,
                       int imageSize, int numClasses) throws IOException {
        ComputationGraph graph = net.getNetwork();
        TrainingMetricsCollector collector = new TrainingMetricsCollector(jsc, ModelS.PENULTIMATE, ModelS.OUTPUT);
        net.getTrainingMaster().addHook(collector);
        net.setListeners(collector);
        TrainingControl control = new TrainingControl(options.learningRate());
        double lrInGraph = options.learningRate();
        int partitions = workers(jsc, options.master());
        try (EpochShuffler shuffler = new EpochShuffler(train, options.seed(), partitions, options.batchSize(),
                imageSize, numClasses)) {
            for (int epoch = 1; epoch <= options.epochs(); epoch++) {
                long start = System.nanoTime();
                if (control.learningRate() != lrInGraph) {
                    graph.setLearningRate(control.learningRate());
                    lrInGraph = control.learningRate();
                }
                collector.reset();
                net.fit(shuffler.epoch(epoch));
                EvalAccumulator val = evaluator.evaluate(graph, validation, numClasses);
                double valLoss = val.meanCrossEntropy() + graph.calcRegularizationScore(true);
                EpochResult result = new EpochResult(epoch, collector.meanLoss(), collector.accuracy(), valLoss,
                        val.accuracy(), lrInGraph, (System.nanoTime() - start) / 1e9);
                for (EpochListener l : listeners) {
                    l.onEpochEnd(result, control);
                }
                if (control.stopRequested()) {
                    return new Outcome(epoch, control.stopReason());
                }
            }
        }
        return new Outcome(options.epochs(), null);
    }

    static int workers(JavaSparkContext jsc, TrainOptions.MasterOptions m) {
        return m.workers() > 0 ? m.workers() : jsc.defaultParallelism();
    }

    /** The dl4j-spark training master for these options. */
    /**
     * Export (minibatches written once per epoch, then streamed by the workers) wherever dl4j-spark
     * allows it. It refuses when the default file system is local and the master is not (it cannot
     * know whether the workers share that disk): such runs train from the RDD directly.
     */
    static RDDTrainingApproach approach(JavaSparkContext jsc) {
        return ExportSupport.exportSupported(jsc) ? RDDTrainingApproach.Export : RDDTrainingApproach.Direct;
    }

    public static ParameterAveragingTrainingMaster trainingMaster(JavaSparkContext jsc, TrainOptions options) {
        TrainOptions.MasterOptions m = options.master();
        ParameterAveragingTrainingMaster.Builder b = new ParameterAveragingTrainingMaster.Builder(
                workers(jsc, m), m.batchSizePerWorker())
                .batchSizePerWorker(m.batchSizePerWorker())
                .averagingFrequency(m.averagingFrequency())
                .workerPrefetchNumBatches(m.prefetch())
                .saveUpdater(m.saveUpdater())
                .rngSeed(options.seed())
                .rddTrainingApproach(approach(jsc))
                .collectTrainingStats(false);
        if (!m.exportDir().isEmpty()) {
            b.exportDirectory(m.exportDir());
        }
        return b.build();
    }
}
