package org.imgpipe.model.fast;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;

/** The configuration of a convolution layer that runs as {@link FastConvolutionLayer} (see {@link FastLayers}). */
public class FastConvolution extends ConvolutionLayer {

    /** For JSON. */
    public FastConvolution() {
    }

    /**
     * Creates the layer as DL4J's convolution configuration does, as a {@link FastConvolutionLayer}.
     *
     * @return the layer, wired to its parameters
     * @throws org.deeplearning4j.exception.DL4JInvalidConfigException when nIn or nOut is not set
     */
    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
                             int layerIndex, INDArray layerParamsView, boolean initializeParams,
                             DataType networkDataType) {
        LayerValidation.assertNInNOutSet("ConvolutionLayer", getLayerName(), layerIndex, getNIn(), getNOut());
        return FastLayers.wired(new FastConvolutionLayer(conf, networkDataType), conf, trainingListeners, layerIndex,
                layerParamsView, initializeParams);
    }
}
