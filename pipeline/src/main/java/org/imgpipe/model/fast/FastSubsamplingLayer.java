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

import java.util.Arrays;

/**
 * DL4J's pooling layer with 2x2 max pooling at stride 2 over NCHW floats in Java ({@link JavaMaxPool2x2})
 * where oneDNN runs without AVX-512: oneDNN 2.3, which ND4J bundles, has no vectorized pooling for plain
 * NCHW below AVX-512, and its reference loop took 23 ms of a 152 ms Model S step (batch 32, 2 cores,
 * AVX2, {@code DNNL_VERBOSE}), its backward pass running the forward pass again; Java's takes ~6 ms. With
 * AVX-512 oneDNN's is faster (~2 ms) and runs. {@value #MAX_POOLING_PROPERTY} overrides the choice.
 * Every other pooling, layout or data type, and every array when the fast path is off
 * ({@code NativeRuntime.fastPathEnabled()} when the layer is created), goes through DL4J's own code.
 */
public class FastSubsamplingLayer extends SubsamplingLayer {
    /** System property: {@code java}, {@code onednn} or {@code auto} (the default: Java without AVX-512). */
    public static final String MAX_POOLING_PROPERTY = "imgpipe.max-pooling";
    private final boolean java;

    /**
     * Creates the layer as DL4J's does and decides, once, whether its 2x2 max pooling runs in Java.
     *
     * @param conf the layer's configuration
     * @param dataType the network's data type
     * @throws IllegalArgumentException when {@value #MAX_POOLING_PROPERTY} is neither java, onednn nor auto
     */
    public FastSubsamplingLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
        org.deeplearning4j.nn.conf.layers.SubsamplingLayer c = layerConf();
        java = NativeRuntime.fastPathEnabled() && javaChosen() && dataType == DataType.FLOAT
                && c.getPoolingType() == PoolingType.MAX
                && Arrays.equals(c.getKernelSize(), new int[] {2, 2}) && Arrays.equals(c.getStride(), new int[] {2, 2})
                && Arrays.equals(c.getPadding(), new int[] {0, 0}) && Arrays.equals(c.getDilation(), new int[] {1, 1})
                && c.getConvolutionMode() != ConvolutionMode.Same && c.getCnn2dDataFormat() == CNN2DFormat.NCHW;
    }

    private static boolean javaChosen() {
        String choice = System.getProperty(MAX_POOLING_PROPERTY, "auto");
        return switch (choice) {
            case "java" -> true;
            case "onednn" -> false;
            case "auto" -> !NativeRuntime.oneDnnUsesAvx512();
            default -> throw new IllegalArgumentException(MAX_POOLING_PROPERTY + " must be java, onednn or auto, not '"
                    + choice + "'");
        };
    }

    /** Whether a pass runs in Java: the layer qualifies and the input is a dense float [N, C, even H, even W]. */
    private boolean inJava(INDArray x) {
        return java && x.rank() == 4 && x.length() > 0 && x.length() <= Integer.MAX_VALUE && x.size(2) % 2 == 0
                && x.size(3) % 2 == 0 && FloatArrays.isDenseFloat(x);
    }

    /** The output shape for the current input: {@code [N, C, H/2, W/2]}. */
    private long[] pooledShape() {
        return new long[] {input.size(0), input.size(1), input.size(2) / 2, input.size(3) / 2};
    }

    /**
     * @param training whether this is a training pass (pooling behaves the same either way)
     * @param workspaceMgr where the output is allocated (as {@code ACTIVATIONS})
     * @return {@code [N, C, H/2, W/2]} for an {@code [N, C, H, W]} input: each 2x2 window's maximum (a NaN
     *     in a window gives NaN, where oneDNN skips it)
     */
    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        if (!inJava(input)) {
            return super.activate(training, workspaceMgr);
        }
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, pooledShape(), 'c');
        JavaMaxPool2x2.forward(input, out);
        return out;
    }

    /**
     * @param epsilon the loss gradient at the output, {@code [N, C, H/2, W/2]}
     * @param workspaceMgr where the input gradient is allocated (as {@code ACTIVATION_GRAD})
     * @return no parameter gradients, and the gradient at the input, {@code [N, C, H, W]}: each epsilon
     *     element at its window's first maximum in row-major order, zero elsewhere
     */
    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        if (!inJava(input) || !FloatArrays.isDenseFloat(epsilon) || !Arrays.equals(epsilon.shape(), pooledShape())) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, input.shape(), 'c');
        JavaMaxPool2x2.backward(input, epsilon, dx);
        return new Pair<>(new DefaultGradient(), dx);
    }
}
