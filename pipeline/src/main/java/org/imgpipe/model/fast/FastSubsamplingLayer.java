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
 * AVX-512 oneDNN's is faster (~2 ms) and runs. Every other pooling, layout or data type, and every array
 * when the fast path is off ({@code NativeRuntime.fastPathEnabled()} when the layer is created), goes
 * through DL4J's own code.
 */
public class FastSubsamplingLayer extends SubsamplingLayer {
    private final boolean java;

    /**
     * @param conf the layer's configuration
     * @param dataType the network's data type
     */
    public FastSubsamplingLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
        org.deeplearning4j.nn.conf.layers.SubsamplingLayer c = layerConf();
        java = NativeRuntime.fastPathEnabled() && !NativeRuntime.oneDnnUsesAvx512() && dataType == DataType.FLOAT
                && c.getPoolingType() == PoolingType.MAX
                && Arrays.equals(c.getKernelSize(), new int[] {2, 2}) && Arrays.equals(c.getStride(), new int[] {2, 2})
                && Arrays.equals(c.getPadding(), new int[] {0, 0}) && Arrays.equals(c.getDilation(), new int[] {1, 1})
                && c.getConvolutionMode() != ConvolutionMode.Same && c.getCnn2dDataFormat() == CNN2DFormat.NCHW;
    }

    /** Whether this pass runs in Java: the layer qualifies and the input is a dense float [N, C, even H, even W]. */
    private boolean inJava(INDArray x) {
        return java && x.rank() == 4 && x.size(2) % 2 == 0 && x.size(3) % 2 == 0 && FloatArrays.isDenseFloat(x);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        if (!inJava(input)) {
            return super.activate(training, workspaceMgr);
        }
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT,
                new long[] {input.size(0), input.size(1), input.size(2) / 2, input.size(3) / 2}, 'c');
        JavaMaxPool2x2.forward(input, out);
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        if (!inJava(input) || !FloatArrays.isDenseFloat(epsilon)) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, input.shape(), 'c');
        JavaMaxPool2x2.backward(input, epsilon, dx);
        return new Pair<>(new DefaultGradient(), dx);
    }
}
