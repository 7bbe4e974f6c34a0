package org.imgpipe.model.fast;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.nd4j.shade.jackson.databind.node.ObjectNode;

/**
 * Turns stock DL4J layer configurations into this package's fast ones. Each fast configuration is the
 * stock one under another class name, because DL4J records a layer's class in a saved model's JSON and
 * creates the layer, helper included, from it wherever the model is loaded (executors too). Loading
 * such a model therefore needs this library on the classpath, and a model saved before a layer had a
 * fast configuration here (pooling was the last to get one) keeps DL4J's layer for it when loaded.
 */
public final class FastLayers {
    private FastLayers() {
    }

    /**
     * The fast equivalent of a stock batch-norm configuration, with every setting copied.
     *
     * @param stock DL4J's batch-norm configuration
     * @return the same settings as a {@link FastBatchNormalization}
     * @throws IllegalStateException when DL4J's JSON mapping cannot copy the configuration
     */
    public static FastBatchNormalization batchNormalization(BatchNormalization stock) {
        return copyAs(stock, FastBatchNormalization.class);
    }

    /**
     * The fast equivalent of a stock pooling configuration, with every setting copied.
     *
     * @param stock DL4J's pooling configuration
     * @return the same settings as a {@link FastSubsampling}
     * @throws IllegalStateException when DL4J's JSON mapping cannot copy the configuration
     */
    public static FastSubsampling subsampling(SubsamplingLayer stock) {
        return copyAs(stock, FastSubsampling.class);
    }

    /** The same settings under another configuration class, copied through DL4J's own JSON mapping. */
    private static <T extends Layer> T copyAs(Layer stock, Class<T> type) {
        ObjectMapper json = NeuralNetConfiguration.mapper();
        ObjectNode node = json.valueToTree(stock);
        node.put("@class", type.getName());
        try {
            return json.treeToValue(node, type);
        } catch (Exception e) {
            throw new IllegalStateException("cannot copy the " + stock.getClass().getSimpleName()
                    + " configuration", e);
        }
    }
}
