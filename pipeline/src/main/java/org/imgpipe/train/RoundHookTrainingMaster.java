package org.imgpipe.train;

import org.apache.spark.api.java.JavaRDD;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingResult;

import java.util.function.Consumer;

/**
 * dl4j-spark's parameter-averaging master that hands the driver's model to a callback after every averaging
 * round: dl4j-spark's own hooks ({@code TrainingHook}) run on the workers, and its listeners see no rounds.
 */
final class RoundHookTrainingMaster extends ParameterAveragingTrainingMaster {
    private final transient Consumer<ComputationGraph> afterRound;

    /**
     * @param builder    the master's settings
     * @param afterRound called on the driver with the model after every round, once the round's averaged weights
     *                   are in it (a round whose split held no minibatch leaves the weights as they were)
     */
    RoundHookTrainingMaster(Builder builder, Consumer<ComputationGraph> afterRound) {
        super(builder);
        this.afterRound = afterRound;
    }

    @Override
    protected void processResults(SparkDl4jMultiLayer network, SparkComputationGraph graph,
                                  JavaRDD<ParameterAveragingTrainingResult> results, int splitNum, int totalSplits) {
        super.processResults(network, graph, results, splitNum, totalSplits);
        afterRound.accept(graph.getNetwork());
    }
}
