package org.imgpipe.model.fast;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.AlgoMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.BwdDataAlgo;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.BwdFilterAlgo;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.FwdAlgo;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionHelper;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.imgpipe.runtime.NativeRuntime;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;

/**
 * A convolution layer's helper that runs NCHW float convolutions at stride 1 without padding or dilation
 * (Model S's) on persistent oneDNN primitives ({@link OneDnnConvolution}), and hands every other call to
 * the helper DL4J would have used (libnd4j's oneDNN ops; none: DL4J's own im2col code). Each thread keeps
 * the primitives of the last {@value #KEPT} shapes it ran, whichever layer or model asked
 * ({@link ThreadPrimitives}).
 */
final class OneDnnConvolutionHelper implements ConvolutionHelper {
    /** Model S's four convolutions at two batch sizes (an epoch's full minibatches and its last one). */
    static final int KEPT = 8;
    static final ThreadPrimitives<Shape, OneDnnConvolution> CONVOLUTIONS = new ThreadPrimitives<>("convolutions",
            KEPT);

    private final ConvolutionHelper fallback;
    private final boolean inputGradientNeeded;

    /** A convolution's shapes and the calling thread's OpenMP team. */
    record Shape(long batchSize, long inChannels, long height, long width, long outChannels, long kernelH,
                         long kernelW, int threads) {
    }

    /**
     * @param fallback      the helper DL4J chose for the layer, for the calls this one does not take; may be null
     * @param inputGradientNeeded false when nothing reads the gradient at the layer's input (a first layer's input
     *                            is the images): the backward pass then returns zeros there instead of computing it
     */
    OneDnnConvolutionHelper(ConvolutionHelper fallback, boolean inputGradientNeeded) {
        this.fallback = fallback;
        this.inputGradientNeeded = inputGradientNeeded;
    }

    /** @return whether oneDNN's presets load here (DL4J drops a helper that answers false) */
    @Override
    public boolean checkSupported() {
        return OneDnnResources.available();
    }

    /**
     * The pre-activations {@code x * W + b}, on oneDNN for NCHW floats at stride 1 without padding or dilation;
     * any other call, and a call oneDNN fails (its shape is then refused from there on, with a warning), goes
     * to the fallback. The arguments are those of {@link ConvolutionHelper#preOutput}.
     *
     * @param input   {@code [N, C, H, W]}
     * @param weights {@code [outChannels, C, kH, kW]}
     * @param bias    {@code outChannels} values
     * @return {@code [N, outChannels, H - kH + 1, W - kW + 1]} C-order floats in the {@code ACTIVATIONS}
     *     workspace, or the fallback's answer (null without a fallback: DL4J's own code runs)
     */
    @Override
    public INDArray preOutput(INDArray input, INDArray weights, INDArray bias, int[] kernel, int[] strides, int[] pad,
                              AlgoMode mode, FwdAlgo fwdAlgo, ConvolutionMode convolutionMode, int[] dilation,
                              CNN2DFormat format, LayerWorkspaceMgr workspaceMgr) {
        Shape shape = taking(input, weights, bias, strides, pad, dilation, format, convolutionMode)
                ? shape(input, weights) : null;
        OneDnnConvolution convolution = shape == null ? null : convolution(shape);
        if (convolution != null) {
            INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT,
                    convolution.outputShape(), 'c');
            try {
                convolution.forward(input, weights, bias, out);
                return out;
            } catch (RuntimeException failed) {
                CONVOLUTIONS.refuse(shape, failed);
            }
        }
        return fallback == null ? null : fallback.preOutput(input, weights, bias, kernel, strides, pad, mode,
                fwdAlgo, convolutionMode, dilation, format, workspaceMgr);
    }

    /**
     * The gradients of a forward pass, on oneDNN for the calls {@link #preOutput} takes whose gradient views
     * are dense floats; the others, and a call oneDNN fails, go to the fallback. The arguments are those of
     * {@link ConvolutionHelper#backpropGradient}.
     *
     * @param delta          the loss gradient at the pre-activations, {@code [N, outChannels, H', W']} (the
     *                       activation's backward pass already applied)
     * @param biasGradView   written: the bias gradient, a view into DL4J's gradient vector
     * @param weightGradView written: the kernel gradient, {@code [outChannels, C, kH, kW]}, a view likewise
     * @return the two gradient views under DL4J's keys and the gradient at the input, {@code [N, C, H, W]}
     *     C-order floats in the {@code ACTIVATION_GRAD} workspace (zeros for a layer made without the input
     *     gradient); or the fallback's answer (null without one)
     */
    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray input, INDArray weights, INDArray bias, INDArray delta,
                                                     int[] kernel, int[] strides, int[] pad, INDArray biasGradView,
                                                     INDArray weightGradView, IActivation afn, AlgoMode mode,
                                                     BwdFilterAlgo bwdFilterAlgo, BwdDataAlgo bwdDataAlgo,
                                                     ConvolutionMode convolutionMode, int[] dilation,
                                                     CNN2DFormat format, LayerWorkspaceMgr workspaceMgr) {
        Shape shape = taking(input, weights, bias, strides, pad, dilation, format, convolutionMode)
                && biasGradView != null && FloatArrays.isDenseFloat(delta)
                && FloatArrays.isDenseFloat(weightGradView) && biasGradView.length() == weights.size(0)
                && contiguousFloats(biasGradView) ? shape(input, weights) : null;
        OneDnnConvolution convolution = shape == null ? null : withBackward(shape);
        if (convolution != null && Arrays.equals(delta.shape(), convolution.outputShape())) {
            // Zeros when it is not computed: DL4J still passes the layer's input gradient on.
            INDArray inputGrad = inputGradientNeeded
                    ? workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, input.shape(), 'c')
                    : workspaceMgr.create(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, input.shape(), 'c');
            try {
                convolution.backward(input, weights, delta, weightGradView, biasGradView,
                        inputGradientNeeded ? inputGrad : null);
                Gradient gradient = new DefaultGradient();
                gradient.gradientForVariable().put(ConvolutionParamInitializer.BIAS_KEY, biasGradView);
                gradient.gradientForVariable().put(ConvolutionParamInitializer.WEIGHT_KEY, weightGradView);
                return new Pair<>(gradient, inputGrad);
            } catch (RuntimeException failed) {
                CONVOLUTIONS.refuse(shape, failed);
            }
        }
        return fallback == null ? null : fallback.backpropGradient(input, weights, bias, delta, kernel, strides,
                pad, biasGradView, weightGradView, afn, mode, bwdFilterAlgo, bwdDataAlgo, convolutionMode,
                dilation, format, workspaceMgr);
    }

    /**
     * @param z        the pre-activations
     * @param afn      the layer's activation
     * @param training whether this is a training pass
     * @return the activation of the pre-activations, as DL4J's helpers compute it
     */
    @Override
    public INDArray activate(INDArray z, IActivation afn, boolean training) {
        return afn.getActivation(z, training);
    }

    /** @return nothing: the primitives' memory belongs to the thread, not to one layer */
    @Override
    public Map<String, Long> helperMemoryUse() {
        return Collections.emptyMap();
    }

    /** Whether the call is one this helper runs: NCHW floats, stride 1, no padding or dilation, with bias. */
    private static boolean taking(INDArray input, INDArray weights, INDArray bias, int[] strides, int[] pad,
                                  int[] dilation, CNN2DFormat format, ConvolutionMode convolutionMode) {
        return format == CNN2DFormat.NCHW && convolutionMode != ConvolutionMode.Same
                && Arrays.equals(strides, new int[]{1, 1}) && Arrays.equals(pad, new int[]{0, 0})
                && Arrays.equals(dilation, new int[]{1, 1}) && bias != null && input.rank() == 4
                && input.length() > 0 && FloatArrays.isDenseFloat(input) && FloatArrays.isDenseFloat(weights)
                && weights.rank() == 4 && input.size(1) == weights.size(1) && input.size(2) >= weights.size(2)
                && input.size(3) >= weights.size(3) && bias.length() == weights.size(0)
                && contiguousFloats(bias);
    }

    /** A bias or its gradient: floats one after another, in any ordering (DL4J's are [1, n] in F order). */
    private static boolean contiguousFloats(INDArray vector) {
        return vector.dataType() == DataType.FLOAT && vector.elementWiseStride() == 1;
    }

    private static Shape shape(INDArray input, INDArray weights) {
        return new Shape(input.size(0), input.size(1), input.size(2), input.size(3), weights.size(0),
                weights.size(2), weights.size(3), NativeRuntime.threadsOfThisThread());
    }

    /** This thread's primitives for the shape, created when new; null when oneDNN refused them. */
    private static OneDnnConvolution convolution(Shape shape) {
        return CONVOLUTIONS.get(shape, s -> new OneDnnConvolution(s.batchSize(), s.inChannels(), s.height(),
                s.width(), s.outChannels(), s.kernelH(), s.kernelW()));
    }

    /** As {@link #convolution}, with the backward primitives created; null when oneDNN refused them. */
    private static OneDnnConvolution withBackward(Shape shape) {
        OneDnnConvolution convolution = convolution(shape);
        if (convolution != null) {
            try {
                convolution.prepareBackward();
            } catch (RuntimeException refused) {
                CONVOLUTIONS.refuse(shape, refused);
                return null;
            }
        }
        return convolution;
    }
}
