package org.imgpipe.model.fast;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.nd4j.shade.jackson.databind.node.ObjectNode;

import java.util.Collection;

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
     * The fast equivalent of a stock convolution configuration, with every setting copied.
     *
     * @param stock DL4J's convolution configuration
     * @return the same settings as a {@link FastConvolution}
     * @throws IllegalStateException when DL4J's JSON mapping cannot copy the configuration
     */
    public static FastConvolution convolution(ConvolutionLayer stock) {
        return copyAs(stock, FastConvolution.class);
    }

    /**
     * The fast equivalent of a stock dense-layer configuration, with every setting copied.
     *
     * @param stock DL4J's dense-layer configuration
     * @return the same settings as a {@link FastDense}
     * @throws IllegalStateException when DL4J's JSON mapping cannot copy the configuration
     */
    public static FastDense dense(DenseLayer stock) {
        return copyAs(stock, FastDense.class);
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

    /**
     * Finishes a layer that a fast configuration's {@code instantiate} created, as DL4J's own
     * configurations do: listeners, index, parameter view and table, configuration.
     *
     * @param layer the new layer
     * @param conf the layer's configuration
     * @param listeners the training listeners
     * @param index the layer's index in the network
     * @param paramsView the layer's view of the network's parameters (null or empty without parameters)
     * @param initializeParams whether to initialize the parameters or keep the view's values
     * @return the layer
     */
    static <L extends org.deeplearning4j.nn.api.Layer> L wired(L layer, NeuralNetConfiguration conf,
            Collection<TrainingListener> listeners, int index, INDArray paramsView, boolean initializeParams) {
        layer.setListeners(listeners);
        layer.setIndex(index);
        layer.setParamsViewArray(paramsView);
        layer.setParamTable(conf.getLayer().initializer().init(conf, paramsView, initializeParams));
        layer.setConf(conf);
        return layer;
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
