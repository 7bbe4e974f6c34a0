package org.imgpipe.model.fast;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;

/** The configuration of a dense layer that runs as {@link FastDenseLayer} (see {@link FastLayers}). */
public class FastDense extends DenseLayer {

    /** For JSON. */
    public FastDense() {
    }

    /**
     * Creates the layer as DL4J's dense configuration does, as a {@link FastDenseLayer}.
     *
     * @return the layer, wired to its parameters
     * @throws org.deeplearning4j.exception.DL4JInvalidConfigException when nIn or nOut is not set
     */
    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
                             int layerIndex, INDArray layerParamsView, boolean initializeParams,
                             DataType networkDataType) {
        LayerValidation.assertNInNOutSet("DenseLayer", getLayerName(), layerIndex, getNIn(), getNOut());
        return FastLayers.wired(new FastDenseLayer(conf, networkDataType), conf, trainingListeners, layerIndex,
                layerParamsView, initializeParams);
    }
}
