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
 * the helper DL4J would have used (libnd4j's oneDNN ops; none: DL4J's own im2col code). A layer configured
 * for {@link ChannelBlocks} takes and returns its activations and their gradients in them; its calls that
 * oneDNN does not take go to the fallback through NCHW copies, and fail when there is none. Each thread keeps
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
    private final boolean blockedInput;
    private final boolean blockedOutput;

    /** A convolution's shapes and layouts and the calling thread's OpenMP team. */
    record Shape(long batchSize, long inChannels, long height, long width, long outChannels, long kernelH,
                 long kernelW, boolean blockedInput, boolean blockedOutput, int threads) {
    }

    /**
     * @param fallback            the helper DL4J chose for the layer, for the calls this one does not take; may
     *                            be null
     * @param inputGradientNeeded false when nothing reads the gradient at the layer's input (a first layer's input
     *                            is the images): the backward pass then returns zeros there instead of computing it
     * @param blockedInput        whether the input and its gradient are in {@link ChannelBlocks} (else NCHW)
     * @param blockedOutput       whether the pre-activations and their gradient are in {@link ChannelBlocks}
     */
    OneDnnConvolutionHelper(ConvolutionHelper fallback, boolean inputGradientNeeded, boolean blockedInput,
                            boolean blockedOutput) {
        this.fallback = fallback;
        this.inputGradientNeeded = inputGradientNeeded;
        this.blockedInput = blockedInput;
        this.blockedOutput = blockedOutput;
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
     * @param input   {@code [N, C, H, W]}, in {@link ChannelBlocks} for a layer configured so
     * @param weights {@code [outChannels, C, kH, kW]}
     * @param bias    {@code outChannels} values
     * @return {@code [N, outChannels, H - kH + 1, W - kW + 1]} floats in the {@code ACTIVATIONS} workspace, NCHW
     *     or in blocks as configured; or the fallback's answer (null without a fallback: DL4J's own code runs)
     * @throws IllegalStateException when a layer on blocked activations has no fallback to take a call
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
        if (fallback == null) {
            return plainOrRefused(null);
        }
        INDArray z = fallback.preOutput(plain(input, blockedInput), weights, bias, kernel, strides, pad, mode,
                fwdAlgo, convolutionMode, dilation, format, workspaceMgr);
        return z == null || !blockedOutput ? plainOrRefused(z)
                : ChannelBlocks.toBlocked(z, workspaceMgr, ArrayType.ACTIVATIONS);
    }

    /**
     * The gradients of a forward pass, on oneDNN for the calls {@link #preOutput} takes whose gradient views
     * are dense floats; the others, and a call oneDNN fails, go to the fallback. The arguments are those of
     * {@link ConvolutionHelper#backpropGradient}.
     *
     * @param input          the forward pass's input, in the input's layout
     * @param delta          the loss gradient at the pre-activations, {@code [N, outChannels, H', W']} (the
     *                       activation's backward pass already applied), in the output's layout
     * @param biasGradView   written: the bias gradient, a view into DL4J's gradient vector
     * @param weightGradView written: the kernel gradient, {@code [outChannels, C, kH, kW]}, a view likewise
     * @return the two gradient views under DL4J's keys and the gradient at the input, {@code [N, C, H, W]}
     *     floats in the input's layout in the {@code ACTIVATION_GRAD} workspace (zeros for a layer made without
     *     the input gradient); or the fallback's answer (null without one)
     * @throws IllegalStateException when a layer on blocked activations has no fallback to take a call
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
                && FloatArrays.isContiguousFloat(biasGradView) ? shape(input, weights) : null;
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
        if (fallback == null) {
            return plainOrRefused(null);
        }
        Pair<Gradient, INDArray> gradients = fallback.backpropGradient(plain(input, blockedInput), weights, bias,
                plain(delta, blockedOutput), kernel, strides, pad, biasGradView, weightGradView, afn, mode,
                bwdFilterAlgo, bwdDataAlgo, convolutionMode, dilation, format, workspaceMgr);
        if (gradients != null && blockedInput) {
            gradients.setSecond(ChannelBlocks.toBlocked(gradients.getSecond(), workspaceMgr,
                    ArrayType.ACTIVATION_GRAD));
        }
        return plainOrRefused(gradients);
    }

    /** The array in NCHW: a plain copy of a blocked one. */
    private static INDArray plain(INDArray array, boolean blocked) {
        return blocked ? ChannelBlocks.toPlain(array) : array;
    }

    /**
     * @param answer what this helper answers when neither oneDNN nor the fallback computed the call in this
     *               layer's layouts
     * @return the answer, for a layer on NCHW activations (null lets DL4J's own code run)
     * @throws IllegalStateException for a layer on blocked activations, which DL4J's own code would read as NCHW
     */
    private <T> T plainOrRefused(T answer) {
        if (answer == null && (blockedInput || blockedOutput)) {
            throw new IllegalStateException("neither oneDNN nor DL4J's helper ran this convolution, and DL4J's own "
                    + "code cannot read its channel-blocked activations: run with -D"
                    + FastConvolutionLayer.CONVOLUTION_PROPERTY + "=libnd4j to use NCHW activations throughout");
        }
        return answer;
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

    /** Whether the call is one this helper runs: floats, stride 1, no padding or dilation, with bias. */
    private static boolean taking(INDArray input, INDArray weights, INDArray bias, int[] strides, int[] pad,
                                  int[] dilation, CNN2DFormat format, ConvolutionMode convolutionMode) {
        return format == CNN2DFormat.NCHW && convolutionMode != ConvolutionMode.Same
                && Arrays.equals(strides, new int[]{1, 1}) && Arrays.equals(pad, new int[]{0, 0})
                && Arrays.equals(dilation, new int[]{1, 1}) && bias != null && input.rank() == 4
                && input.length() > 0 && FloatArrays.isDenseFloat(input) && FloatArrays.isDenseFloat(weights)
                && weights.rank() == 4 && input.size(1) == weights.size(1) && input.size(2) >= weights.size(2)
                && input.size(3) >= weights.size(3) && bias.length() == weights.size(0)
                && FloatArrays.isContiguousFloat(bias);
    }

    private Shape shape(INDArray input, INDArray weights) {
        return new Shape(input.size(0), input.size(1), input.size(2), input.size(3), weights.size(0),
                weights.size(2), weights.size(3), blockedInput, blockedOutput, NativeRuntime.threadsOfThisThread());
    }

    /** This thread's primitives for the shape, created when new; null when oneDNN refused them. */
    private static OneDnnConvolution convolution(Shape shape) {
        return CONVOLUTIONS.get(shape, s -> new OneDnnConvolution(s.batchSize(), s.inChannels(), s.height(),
                s.width(), s.outChannels(), s.kernelH(), s.kernelW(), s.blockedInput(), s.blockedOutput()));
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
