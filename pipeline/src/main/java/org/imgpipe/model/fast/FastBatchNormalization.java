package org.imgpipe.model.fast;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;

/** The configuration of a batch-norm layer that runs as {@link FastBatchNormalizationLayer} (see {@link FastLayers}). */
public class FastBatchNormalization extends BatchNormalization {

    /** For JSON. */
    public FastBatchNormalization() {
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
                             int layerIndex, INDArray layerParamsView, boolean initializeParams,
                             DataType networkDataType) {
        LayerValidation.assertNOutSet("BatchNormalization", getLayerName(), layerIndex, getNOut());
        return FastLayers.wired(new FastBatchNormalizationLayer(conf, networkDataType), conf, trainingListeners,
                layerIndex, layerParamsView, initializeParams);
    }
}
