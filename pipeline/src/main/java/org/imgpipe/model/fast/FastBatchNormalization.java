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

    /** Saved configurations from before this setting read as false: NCHW. */
    private boolean blocked;

    /** For JSON. */
    public FastBatchNormalization() {
    }

    /**
     * @return whether the layer takes and returns its activations and their gradients in oneDNN's channel blocks
     *     instead of NCHW (its neighbours must pass them so); effective only where layers may pass blocked
     *     activations when the network is created ({@code ChannelBlocks}: the fast path on, a float network,
     *     oneDNN's presets loaded and running AVX-512, convolutions on oneDNN), else NCHW
     */
    public boolean isBlocked() {
        return blocked;
    }

    /** @param blocked see {@link #isBlocked()} */
    public void setBlocked(boolean blocked) {
        this.blocked = blocked;
    }

    /**
     * @param o another object
     * @return whether it is a {@code FastBatchNormalization} with the same settings, this one's included
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof FastBatchNormalization other && super.equals(o) && blocked == other.blocked;
    }

    /** @return the hash of DL4J's batch-norm settings and this one's */
    @Override
    public int hashCode() {
        return 31 * super.hashCode() + Boolean.hashCode(blocked);
    }

    /**
     * Creates the layer as DL4J's batch-norm configuration does, as a {@link FastBatchNormalizationLayer}.
     *
     * @return the layer, wired to its parameters
     * @throws org.deeplearning4j.exception.DL4JInvalidConfigException when nOut is not set
     * @throws IllegalArgumentException as {@link FastBatchNormalizationLayer}'s constructor
     */
    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
                             int layerIndex, INDArray layerParamsView, boolean initializeParams,
                             DataType networkDataType) {
        LayerValidation.assertNOutSet("BatchNormalization", getLayerName(), layerIndex, getNOut());
        return FastLayers.wired(new FastBatchNormalizationLayer(conf, networkDataType), conf, trainingListeners,
                layerIndex, layerParamsView, initializeParams);
    }
}
