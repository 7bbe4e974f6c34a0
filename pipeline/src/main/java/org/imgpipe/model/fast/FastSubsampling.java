package org.imgpipe.model.fast;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;
import java.util.Objects;

/** The configuration of a pooling layer that runs as {@link FastSubsamplingLayer} (see {@link FastLayers}). */
public class FastSubsampling extends SubsamplingLayer {

    /** Saved configurations from before these settings read as false: NCHW. */
    private boolean blockedInput;
    private boolean blockedOutput;

    /** For JSON. */
    public FastSubsampling() {
    }

    /**
     * @return whether the layer takes its input, and returns the gradient there, in oneDNN's channel blocks
     *     instead of NCHW (the layer before must return them so; 2x2 max pooling only); effective only where
     *     layers may pass blocked activations when the network is created ({@code ChannelBlocks}: the fast path on,
     *     a float network, oneDNN's presets loaded and running AVX-512, convolutions on oneDNN), else NCHW
     */
    public boolean isBlockedInput() {
        return blockedInput;
    }

    /** @param blockedInput see {@link #isBlockedInput()} */
    public void setBlockedInput(boolean blockedInput) {
        this.blockedInput = blockedInput;
    }

    /**
     * @return whether the layer returns its activations, and takes the gradient there, in oneDNN's channel blocks
     *     (the layer after must take them so; only with a blocked input); effective as {@link #isBlockedInput()}
     */
    public boolean isBlockedOutput() {
        return blockedOutput;
    }

    /** @param blockedOutput see {@link #isBlockedOutput()} */
    public void setBlockedOutput(boolean blockedOutput) {
        this.blockedOutput = blockedOutput;
    }

    /**
     * @param o another object
     * @return whether it is a {@code FastSubsampling} with the same settings, this one's included
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof FastSubsampling other && super.equals(o) && blockedInput == other.blockedInput
                && blockedOutput == other.blockedOutput;
    }

    /** @return the hash of DL4J's pooling settings and this one's */
    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), blockedInput, blockedOutput);
    }

    /**
     * Creates the layer as DL4J's pooling configuration does, as a {@link FastSubsamplingLayer}.
     *
     * @return the layer
     * @throws IllegalArgumentException as {@link FastSubsamplingLayer}'s constructor
     */
    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
                             int layerIndex, INDArray layerParamsView, boolean initializeParams,
                             DataType networkDataType) {
        return FastLayers.wired(new FastSubsamplingLayer(conf, networkDataType), conf, trainingListeners, layerIndex,
                layerParamsView, initializeParams);
    }
}
