package org.imgpipe.model.fast;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.imgpipe.runtime.NativeRuntime;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * DL4J's pooling layer with 2x2 max pooling at stride 2 over NCHW floats on oneDNN primitives that this
 * library keeps ({@link OneDnnMaxPooling}) where oneDNN runs AVX-512, and in Java ({@link JavaMaxPool2x2})
 * elsewhere: oneDNN 2.3, which ND4J bundles, has no vectorized pooling for plain NCHW below AVX-512, and its
 * reference loop took 23 ms of a 152 ms Model S step (batch 32, 2 cores, AVX2, {@code DNNL_VERBOSE}), its
 * backward pass running the forward pass again; Java's takes ~6 ms. {@value #MAX_POOLING_PROPERTY}
 * overrides the choice ({@code libnd4j}: DL4J's helper over libnd4j's ops, as before). A layer configured for
 * {@link ChannelBlocks} pools them on oneDNN whatever the property says (in Java through NCHW copies where
 * oneDNN refuses the shape). Every other pooling, layout or data type, and every array when the fast path is
 * off ({@code NativeRuntime.fastPathEnabled()} when the layer is created), goes through DL4J's own code.
 */
public class FastSubsamplingLayer extends SubsamplingLayer {
    /** System property: {@code java}, {@code onednn}, {@code libnd4j} or {@code auto} (the default). */
    public static final String MAX_POOLING_PROPERTY = "imgpipe.max-pooling";
    /** Model S's two poolings at two batch sizes. */
    static final ThreadPrimitives<Shape, OneDnnMaxPooling> POOLINGS = new ThreadPrimitives<>("max poolings",
            4);

    /** Where the 2x2 max pooling of qualifying arrays runs. */
    private enum Runs { JAVA, ONEDNN, DL4J }

    /** A pooling's input shape and layouts and the calling thread's OpenMP team. */
    record Shape(long batchSize, long channels, long height, long width, boolean blockedInput,
                 boolean blockedOutput, int threads) {
    }

    private final Runs runs;
    private final boolean blockedInput;
    private final boolean blockedOutput;

    /**
     * Creates the layer as DL4J's does and decides, once, where its 2x2 max pooling runs.
     *
     * @param conf the layer's configuration
     * @param dataType the network's data type
     * @throws IllegalArgumentException when {@value #MAX_POOLING_PROPERTY} is not java, onednn, libnd4j or auto,
     *                                  or {@value FastConvolutionLayer#CONVOLUTION_PROPERTY} not onednn or libnd4j;
     *                                  or when a layer configured for blocked activations where they may be used is
     *                                  not a 2x2 max pooling at stride 2 without padding
     */
    public FastSubsamplingLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
        org.deeplearning4j.nn.conf.layers.SubsamplingLayer c = layerConf();
        Runs chosen = chosen();
        boolean qualifies = NativeRuntime.fastPathEnabled() && dataType == DataType.FLOAT
                && c.getPoolingType() == PoolingType.MAX
                && Arrays.equals(c.getKernelSize(), new int[] {2, 2}) && Arrays.equals(c.getStride(), new int[] {2, 2})
                && Arrays.equals(c.getPadding(), new int[] {0, 0}) && Arrays.equals(c.getDilation(), new int[] {1, 1})
                && c.getConvolutionMode() != ConvolutionMode.Same && c.getCnn2dDataFormat() == CNN2DFormat.NCHW;
        FastSubsampling fast = (FastSubsampling) c;
        blockedInput = fast.isBlockedInput() && ChannelBlocks.enabled(dataType);
        blockedOutput = blockedInput && fast.isBlockedOutput();
        if (blockedInput && !qualifies) {
            throw new IllegalArgumentException("only a 2x2 max pooling at stride 2 without padding takes "
                    + "channel-blocked activations");
        }
        runs = blockedInput ? Runs.ONEDNN
                : !qualifies || (chosen == Runs.ONEDNN && !OneDnnResources.available()) ? Runs.DL4J : chosen;
    }

    private static Runs chosen() {
        String choice = System.getProperty(MAX_POOLING_PROPERTY, "auto");
        return switch (choice) {
            case "java" -> Runs.JAVA;
            case "onednn" -> Runs.ONEDNN;
            case "libnd4j" -> Runs.DL4J;
            case "auto" -> NativeRuntime.oneDnnUsesAvx512() ? Runs.ONEDNN : Runs.JAVA;
            default -> throw new IllegalArgumentException(MAX_POOLING_PROPERTY + " must be java, onednn, libnd4j or"
                    + " auto, not '" + choice + "'");
        };
    }

    /**
     * Whether a pass runs here: the layer qualifies and the input is a dense float [N, C, H, W], H and W even (for
     * blocked activations at least 2: oneDNN drops an odd last row and column, as DL4J's truncating mode does).
     */
    private boolean qualifies(INDArray x) {
        return runs != Runs.DL4J && x.rank() == 4 && x.length() > 0 && x.length() <= Integer.MAX_VALUE
                && FloatArrays.isDenseFloat(x) && (blockedInput ? x.size(2) >= 2 && x.size(3) >= 2
                && ChannelBlocks.fits(x.size(1)) : x.size(2) % 2 == 0 && x.size(3) % 2 == 0);
    }

    /** Whether the Java pooling takes the input: even sides. */
    private static boolean evenSides(INDArray x) {
        return x.size(2) % 2 == 0 && x.size(3) % 2 == 0;
    }

    private Shape shape(INDArray x) {
        return new Shape(x.size(0), x.size(1), x.size(2), x.size(3), blockedInput, blockedOutput,
                NativeRuntime.threadsOfThisThread());
    }

    /**
     * This thread's oneDNN pooling for the input's shape; null when oneDNN refused it. A pass oneDNN then fails
     * refuses the shape and runs DL4J's code.
     */
    private OneDnnMaxPooling oneDnn(INDArray x) {
        return POOLINGS.get(shape(x), s -> new OneDnnMaxPooling(s.batchSize(), s.channels(), s.height(), s.width(),
                s.blockedInput(), s.blockedOutput()));
    }

    /** The output shape for the current input: {@code [N, C, H/2, W/2]}. */
    private long[] pooledShape() {
        return new long[] {input.size(0), input.size(1), input.size(2) / 2, input.size(3) / 2};
    }

    /**
     * @param training whether this is a training pass (pooling behaves the same either way)
     * @param workspaceMgr where the output is allocated (as {@code ACTIVATIONS})
     * @return {@code [N, C, H/2, W/2]} for an {@code [N, C, H, W]} input: each 2x2 window's maximum (in Java a
     *     NaN in a window gives NaN, where oneDNN skips it), in the output's layout
     * @throws IllegalStateException for a layer on blocked activations whose input it cannot pool (a side below 2)
     */
    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        boolean here = qualifies(input);
        requireQualifyingWhenBlocked(here, input);
        OneDnnMaxPooling pooling = runs == Runs.ONEDNN && here ? oneDnn(input) : null;
        if (pooling != null) {
            INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, pooledShape(),
                    'c');
            try {
                pooling.forward(input, out);
                return out;
            } catch (RuntimeException failed) {
                POOLINGS.refuse(shape(input), failed);
            }
        }
        if (blockedInput) {
            requireQualifyingWhenBlocked(evenSides(input), input);
            INDArray pooled = Nd4j.createUninitializedDetached(DataType.FLOAT, pooledShape());
            JavaMaxPool2x2.forward(ChannelBlocks.toPlain(input), pooled);
            return inLayout(pooled, blockedOutput, workspaceMgr, ArrayType.ACTIVATIONS);
        }
        if (runs == Runs.JAVA && here) {
            INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, pooledShape(),
                    'c');
            JavaMaxPool2x2.forward(input, out);
            return out;
        }
        return super.activate(training, workspaceMgr);
    }

    /**
     * @param epsilon the loss gradient at the output, {@code [N, C, H/2, W/2]}, in the output's layout
     * @param workspaceMgr where the input gradient is allocated (as {@code ACTIVATION_GRAD})
     * @return no parameter gradients, and the gradient at the input, {@code [N, C, H, W]} in the input's layout:
     *     each epsilon element at its window's first maximum in row-major order, zero elsewhere
     * @throws IllegalStateException for a layer on blocked activations whose input it cannot pool, as
     *                               {@link #activate(boolean, LayerWorkspaceMgr)}
     */
    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        // An NCHW gradient may come as a view (DL4J's flattening); a blocked one must come dense.
        INDArray delta = blockedInput && !blockedOutput ? FloatArrays.dense(epsilon) : epsilon;
        boolean here = qualifies(input) && FloatArrays.isDenseFloat(delta)
                && Arrays.equals(delta.shape(), pooledShape());
        requireQualifyingWhenBlocked(here, input);
        OneDnnMaxPooling pooling = runs == Runs.ONEDNN && here ? oneDnn(input) : null;
        if (pooling != null) {
            INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, input.shape(),
                    'c');
            try {
                pooling.backward(input, delta, dx);
                return new Pair<>(new DefaultGradient(), dx);
            } catch (RuntimeException failed) {
                POOLINGS.refuse(shape(input), failed);
            }
        }
        if (blockedInput) {
            requireQualifyingWhenBlocked(evenSides(input), input);
            INDArray dx = Nd4j.createUninitializedDetached(DataType.FLOAT, input.shape());
            JavaMaxPool2x2.backward(ChannelBlocks.toPlain(input), blockedOutput ? ChannelBlocks.toPlain(delta) : delta,
                    dx);
            return new Pair<>(new DefaultGradient(), inLayout(dx, true, workspaceMgr, ArrayType.ACTIVATION_GRAD));
        }
        if (runs == Runs.JAVA && here) {
            INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, input.shape(),
                    'c');
            JavaMaxPool2x2.backward(input, delta, dx);
            return new Pair<>(new DefaultGradient(), dx);
        }
        return super.backpropGradient(epsilon, workspaceMgr);
    }

    /** DL4J's own code reads activations as NCHW: a blocked layer must take every call itself. */
    private void requireQualifyingWhenBlocked(boolean here, INDArray x) {
        if (blockedInput && !here) {
            throw new IllegalStateException("a 2x2 max pooling of channel-blocked activations needs a dense float "
                    + "[N, C, H, W] input, C a multiple of " + ChannelBlocks.SIZE + ", H and W at least 2 (even where "
                    + "oneDNN refused the shape), and a dense gradient of the output's shape, not input "
                    + Arrays.toString(x.shape()));
        }
    }

    /** An NCHW result of the Java pooling, in the workspace and in the layout a neighbour reads. */
    private static INDArray inLayout(INDArray plain, boolean blocked, LayerWorkspaceMgr workspaceMgr,
                                     ArrayType type) {
        return blocked ? ChannelBlocks.toBlocked(plain, workspaceMgr, type) : workspaceMgr.leverageTo(type, plain);
    }
}
