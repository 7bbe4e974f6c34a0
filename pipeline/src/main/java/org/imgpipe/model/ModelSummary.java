package org.imgpipe.model;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A Keras-style summary: one row per layer with its output shape and parameter count. */
public final class ModelSummary {
    /** One row; shape is Keras-style without the batch dimension, e.g. [30, 30, 32]. */
    public record Row(String name, String type, long[] shape, long params) {
    }

    private final List<Row> rows;
    private final long total;
    private final long nonTrainable;

    private ModelSummary(List<Row> rows, long total, long nonTrainable) {
        this.rows = rows;
        this.total = total;
        this.nonTrainable = nonTrainable;
    }

    /**
     * Builds the summary Keras' {@code model.summary()} prints, in the graph's topological order. Batch-norm
     * layers count half their parameters (the moving mean and variance) as non-trainable, as Keras does.
     *
     * @param graph an initialized model
     * @param input the network's input type, from which each layer's output shape is inferred
     * @return the summary
     */
    public static ModelSummary of(ComputationGraph graph, InputType input) {
        ComputationGraphConfiguration conf = graph.getConfiguration();
        Map<String, InputType> types = conf.getLayerActivationTypes(input);
        List<Row> rows = new ArrayList<>();
        long nonTrainable = 0;
        for (int idx : graph.topologicalSortOrder()) {
            String name = graph.getVertices()[idx].getVertexName();
            if (conf.getNetworkInputs().contains(name)) {
                rows.add(new Row(name, "InputLayer", shape(input), 0));
                continue;
            }
            var vertexConf = conf.getVertices().get(name);
            if (vertexConf instanceof LayerVertex lv) {
                long params = graph.getLayer(name).numParams();
                if (lv.getLayerConf().getLayer() instanceof BatchNormalization) {
                    // DL4J keeps the moving mean and variance among the parameters, as Keras counts them.
                    nonTrainable += params / 2;
                }
                rows.add(new Row(name, lv.getLayerConf().getLayer().getClass().getSimpleName(),
                        shape(types.get(name)), params));
            } else {
                rows.add(new Row(name, vertexConf.getClass().getSimpleName(), shape(types.get(name)), 0));
            }
        }
        return new ModelSummary(rows, graph.numParams(), nonTrainable);
    }

    static long[] shape(InputType t) {
        if (t instanceof InputType.InputTypeConvolutional c) {
            return new long[]{c.getHeight(), c.getWidth(), c.getChannels()};
        }
        return new long[]{t.arrayElementsPerExample()};
    }

    /**
     * The rows, one per vertex (input, layers and other vertices) in topological order.
     *
     * @return the rows
     */
    public List<Row> rows() {
        return rows;
    }

    /**
     * The number of parameters in the graph, trainable or not.
     *
     * @return Keras' "Total params"
     */
    public long totalParams() {
        return total;
    }

    /**
     * The batch-norm moving means and variances, which backprop does not update.
     *
     * @return Keras' "Non-trainable params"
     */
    public long nonTrainableParams() {
        return nonTrainable;
    }

    /**
     * Looks up one vertex's row.
     *
     * @param name the vertex name, e.g. {@code conv2d_1}
     * @return its row
     * @throws IllegalArgumentException when the graph has no vertex of that name
     */
    public Row row(String name) {
        return rows.stream().filter(r -> r.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no layer " + name));
    }

    @Override
    public String toString() {
        String line = "-".repeat(72) + "\n";
        StringBuilder sb = new StringBuilder(line);
        sb.append(String.format("%-36s %-22s %12s%n", "Layer (type)", "Output Shape", "Param #"));
        sb.append("=".repeat(72)).append('\n');
        for (Row r : rows) {
            StringBuilder shape = new StringBuilder("(None");
            for (long d : r.shape()) {
                shape.append(", ").append(d);
            }
            sb.append(String.format("%-36s %-22s %,12d%n", r.name() + " (" + r.type() + ")", shape.append(')'),
                    r.params()));
        }
        sb.append("=".repeat(72)).append('\n');
        sb.append(String.format("Total params: %,d%nTrainable params: %,d%nNon-trainable params: %,d%n", total,
                total - nonTrainable, nonTrainable));
        return sb.append(line).toString();
    }
}
