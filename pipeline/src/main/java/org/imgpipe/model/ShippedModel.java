package org.imgpipe.model;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.factory.Nd4j;

import java.io.Serializable;

/**
 * A model as the driver broadcasts it for inference: its configuration as JSON and its parameters as
 * one float array, which Spark's serializer moves in bulk. Shipping the saved-model zip instead cost
 * each task ~1 s, as DL4J reads the parameters back one float per stream call (Java Flight Recorder),
 * most of a benchmark evaluation of 1,280 images. A plain class, not a record: Spark's Kryo cannot
 * serialize records.
 */
public final class ShippedModel implements Serializable {
    private final String configuration;
    private final float[] parameters;

    private ShippedModel(String configuration, float[] parameters) {
        this.configuration = configuration;
        this.parameters = parameters;
    }

    /**
     * @param graph the model (its parameters are copied, not its updater state)
     * @return the model to broadcast
     */
    public static ShippedModel of(ComputationGraph graph) {
        return new ShippedModel(graph.getConfiguration().toJson(), graph.params().toFloatVector());
    }

    /**
     * @return a new network with the configuration and a copy of the parameters (batch-norm
     *     statistics included), the fast-path layers where the configuration names them
     */
    public ComputationGraph restore() {
        ComputationGraph graph = new ComputationGraph(ComputationGraphConfiguration.fromJson(configuration));
        graph.init(Nd4j.create(parameters, new long[]{1, parameters.length}, 'c'), false);
        return graph;
    }
}
