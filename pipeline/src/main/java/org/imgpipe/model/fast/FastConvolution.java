package org.imgpipe.model.fast;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;
import java.util.Objects;

/** The configuration of a convolution layer that runs as {@link FastConvolutionLayer} (see {@link FastLayers}). */
public class FastConvolution extends ConvolutionLayer {

    /** Saved configurations from before this setting read as true. */
    private boolean inputGradientNeeded = true;
    /** Saved configurations from before these settings read as false: NCHW. */
    private boolean blockedInput;
    private boolean blockedOutput;

    /** For JSON. */
    public FastConvolution() {
    }

    /**
     * @return whether the backward pass must compute the gradient at the layer's input; false for a layer whose
     *     input is the images (Model S's first convolution), where nothing reads it and oneDNN's helper returns
     *     zeros instead of running the data-gradient convolution; the fallback (libnd4j's helper, or DL4J's own
     *     code without one) computes it either way
     */
    public boolean isInputGradientNeeded() {
        return inputGradientNeeded;
    }

    /** @param inputGradientNeeded see {@link #isInputGradientNeeded()} */
    public void setInputGradientNeeded(boolean inputGradientNeeded) {
        this.inputGradientNeeded = inputGradientNeeded;
    }

    /**
     * @return whether the layer takes its input, and returns the gradient there, in oneDNN's channel blocks
     *     instead of NCHW (the layer before must return them so); effective only where layers may pass blocked
     *     activations when the network is created ({@code ChannelBlocks}: the fast path on, a float network,
     *     oneDNN's presets loaded and running AVX-512, convolutions on oneDNN), else NCHW
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
     *     (the layer after must take them so); effective as {@link #isBlockedInput()}
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
     * @return whether it is a {@code FastConvolution} with the same settings, this one's included (DL4J's
     *     generated equality of convolution configurations accepts any subclass and compares only its own fields)
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof FastConvolution other && super.equals(o) && inputGradientNeeded == other.inputGradientNeeded
                && blockedInput == other.blockedInput && blockedOutput == other.blockedOutput;
    }

    /** @return the hash of DL4J's convolution settings and this one's */
    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), inputGradientNeeded, blockedInput, blockedOutput);
    }

    /**
     * Creates the layer as DL4J's convolution configuration does, as a {@link FastConvolutionLayer}.
     *
     * @return the layer, wired to its parameters
     * @throws org.deeplearning4j.exception.DL4JInvalidConfigException when nIn or nOut is not set
     * @throws IllegalArgumentException as {@link FastConvolutionLayer}'s constructor
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
