package org.imgpipe.eval;

import org.imgpipe.base.Console;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.imgpipe.data.LabeledImage;
import org.imgpipe.model.ShippedModel;
import org.imgpipe.spark.CountedPhase;
import org.imgpipe.spark.SparkSessions;

import java.io.IOException;

/**
 * Evaluates a model on an RDD of examples on the executors: the model is broadcast once, each
 * partition returns one {@link EvalAccumulator}, and the accumulators are merged in a tree.
 */
public final class DistributedEvaluator {
    private final JavaSparkContext jsc;
    private final int imageSize;
    private final int batchSize;
    private final int rocBins;
    private final Console console;

    /**
     * @param jsc the Spark context to run in
     * @param imageSize the side of the square images, in pixels
     * @param batchSize examples per forward pass on an executor
     * @param rocBins equal-width probability bins of the ROC histograms ({@code pipeline.eval.roc-thresholds})
     * @param console where the progress lines go
     */
    public DistributedEvaluator(JavaSparkContext jsc, int imageSize, int batchSize, int rocBins, Console console) {
        this.console = console;
        this.jsc = jsc;
        this.imageSize = imageSize;
        this.batchSize = batchSize;
        this.rocBins = rocBins;
    }

    /**
     * Evaluates the model on the examples as one named phase ({@link CountedPhase}: Spark job group
     * and a progress line every 10 s).
     *
     * @param graph      the model, broadcast to the executors
     * @param examples   the examples, any partitioning
     * @param numClasses K, the model's output width
     * @param phase      the phase's name in progress lines, e.g. {@code evaluate test}
     * @param total      the number of examples, for the progress lines
     * @return the merged counts of every partition
     * @throws IOException when the model cannot be serialized
     */
    public EvalAccumulator evaluate(ComputationGraph graph, JavaRDD<LabeledImage> examples, int numClasses,
                                    String phase, long total) throws IOException {
        Broadcast<ShippedModel> model = jsc.broadcast(ShippedModel.of(graph));
        try (CountedPhase counted = CountedPhase.start(jsc.sc(), phase, total, "images", console)) {
            return examples
                    .mapPartitions(new PartitionEvaluator(model, imageSize, numClasses, batchSize, rocBins,
                            SparkSessions.threadsPerTask(jsc.getConf()), counted.counter()))
                    .treeReduce(EvalAccumulator::merge);
        } finally {
            model.destroy();
        }
    }
}
