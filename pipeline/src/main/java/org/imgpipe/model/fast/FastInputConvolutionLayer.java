package org.imgpipe.model.fast;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * DL4J's convolution layer for a network's first convolution: where DL4J chose its oneDNN helper, the
 * layer uses {@link InputConvolutionHelper} instead, which skips the input's gradient. Without oneDNN
 * helpers (the stock path) it is the stock layer.
 */
public class FastInputConvolutionLayer extends ConvolutionLayer {

    /**
     * Creates the layer as DL4J's does, then swaps in the input-layer helper when DL4J installed its
     * oneDNN one; called by {@link FastInputConvolution} when a model is built or loaded.
     *
     * @param conf the layer's configuration
     * @param dataType the network's data type
     */
    public FastInputConvolutionLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
        if (helper instanceof MKLDNNConvHelper) {
            helper = new InputConvolutionHelper(dataType);
        }
    }
}
