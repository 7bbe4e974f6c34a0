package org.imgpipe.model.fast;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.AlgoMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.BwdDataAlgo;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.BwdFilterAlgo;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.stream.IntStream;

/**
 * oneDNN's convolution helper for a network's first convolution, whose input is data: its backward pass
 * computes only the kernel and bias gradients. DL4J's helper always asks libnd4j's {@code conv2d_bp}
 * for the input gradient too, and for 3 input channels oneDNN 2.3 picks a backward-weights kernel that
 * ran at ~7 GFLOP/s: the first layer's backward pass took ~8.8 ms of a ~110 ms Model S step (2 cores,
 * {@code DNNL_VERBOSE=1}, with the reorders around it). Here the kernel gradient is one matrix product of
 * the output gradient with the input's patches (im2col, in Java), as DL4J's own non-helper path computes it;
 * other strides, paddings, layouts and data types go through DL4J's helper unchanged.
 *
 * <p>The gradient returned for the layer's input is zeros: nothing upstream of the first convolution
 * trains (the input and the rescaling), and DL4J's graph needs an array there.
 */
public class InputConvolutionHelper extends MKLDNNConvHelper {
    /** Copies reused from step to step: a layer runs on one thread at a time. */
    private float[] inputCopy;
    private float[] patchCopy;
    private float[] deltaCopy;
    private float[] channelCopy;

    /**
     * @param dataType the network's data type; only {@link DataType#FLOAT} takes the fast backward pass
     */
    public InputConvolutionHelper(DataType dataType) {
        super(dataType);
    }

    /**
     * The kernel and bias gradients of a convolution over NCHW float data, written into the layer's gradient
     * views; other data types and layouts go through DL4J's oneDNN helper unchanged.
     *
     * @param input          the layer's input, {@code [N, C, H, W]}
     * @param delta          the gradient of the loss with respect to the pre-activations, {@code [N, K, OH, OW]}
     * @param weightGradView the kernel gradient's place in the gradient vector, {@code [K, C, KH, KW]}
     * @param biasGradView   the bias gradient's place, {@code [1, K]}
     * @return the gradients, and zeros {@code [N, C, H, W]} as the input's gradient
     */
    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray input, INDArray weights, INDArray bias, INDArray delta,
                                                     int[] kernel, int[] strides, int[] pad, INDArray biasGradView,
                                                     INDArray weightGradView, IActivation afn, AlgoMode mode,
                                                     BwdFilterAlgo bwdFilterAlgo, BwdDataAlgo bwdDataAlgo,
                                                     ConvolutionMode convolutionMode, int[] dilation,
                                                     CNN2DFormat format, LayerWorkspaceMgr workspaceMgr) {
        if (!FloatArrays.isDenseFloat(input) || !FloatArrays.isDenseFloat(delta) || format != CNN2DFormat.NCHW
                || biasGradView == null || convolutionMode == ConvolutionMode.Same || !isOne(strides)
                || !isOne(dilation) || pad[0] != 0 || pad[1] != 0) {
            return super.backpropGradient(input, weights, bias, delta, kernel, strides, pad, biasGradView,
                    weightGradView, afn, mode, bwdFilterAlgo, bwdDataAlgo, convolutionMode, dilation, format,
                    workspaceMgr);
        }
        int n = (int) input.size(0);
        int k = (int) delta.size(1);
        int positions = n * (int) (delta.size(2) * delta.size(3));
        int patchLength = (int) (input.size(1) * kernel[0] * kernel[1]);
        INDArray patches = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, DataType.FLOAT,
                patchLength, positions);
        FloatArrays.view(patches).put(0, patchRows(input, kernel, (int) delta.size(2), (int) delta.size(3)));
        INDArray deltaByChannel = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, DataType.FLOAT,
                k, positions);
        FloatArrays.view(deltaByChannel).put(0, channelRows(delta));
        INDArray kernelGradient = deltaByChannel.mmul(patches.transpose());
        weightGradView.assign(kernelGradient.reshape(weightGradView.shape()));
        biasGradView.assign(deltaByChannel.sum(1).reshape(biasGradView.shape()));

        Gradient g = new DefaultGradient();
        g.gradientForVariable().put(ConvolutionParamInitializer.BIAS_KEY, biasGradView);
        g.gradientForVariable().put(ConvolutionParamInitializer.WEIGHT_KEY, weightGradView);
        return new Pair<>(g, workspaceMgr.create(ArrayType.ACTIVATION_GRAD, input.dataType(), input.shape()));
    }

    private static boolean isOne(int[] pair) {
        return pair[0] == 1 && pair[1] == 1;
    }

    /**
     * im2col with stride 1 and no padding, laid out for one matrix product over the whole minibatch: row
     * (c, i, j) holds x[b, c, y + i, x + j] for every example b and output position (y, x), b-major.
     *
     * @return {@code [C * KH * KW][N * OH * OW]} as one flat array (reused by the next call)
     */
    private float[] patchRows(INDArray input, int[] kernel, int oh, int ow) {
        int n = (int) input.size(0);
        int c = (int) input.size(1);
        int h = (int) input.size(2);
        int w = (int) input.size(3);
        inputCopy = ensure(inputCopy, (int) input.length());
        FloatArrays.view(input).get(0, inputCopy, 0, (int) input.length());
        float[] x = inputCopy;
        int positions = n * oh * ow;
        patchCopy = ensure(patchCopy, c * kernel[0] * kernel[1] * positions);
        float[] rows = patchCopy;
        IntStream.range(0, c * kernel[0] * kernel[1]).parallel().forEach(row -> {
            int ci = row / (kernel[0] * kernel[1]);
            int i = row / kernel[1] % kernel[0];
            int j = row % kernel[1];
            for (int b = 0; b < n; b++) {
                for (int y = 0; y < oh; y++) {
                    System.arraycopy(x, ((b * c + ci) * h + y + i) * w + j, rows, row * positions + (b * oh + y) * ow, ow);
                }
            }
        });
        return rows;
    }

    /**
     * The output gradient {@code [N, K, OH, OW]} regrouped channel-major, {@code [K][N * OH * OW]}.
     *
     * @return one flat array (reused by the next call)
     */
    private float[] channelRows(INDArray delta) {
        int n = (int) delta.size(0);
        int k = (int) delta.size(1);
        int plane = (int) (delta.size(2) * delta.size(3));
        deltaCopy = ensure(deltaCopy, (int) delta.length());
        FloatArrays.view(delta).get(0, deltaCopy, 0, (int) delta.length());
        float[] d = deltaCopy;
        channelCopy = ensure(channelCopy, (int) delta.length());
        float[] rows = channelCopy;
        IntStream.range(0, k).parallel().forEach(oc -> {
            for (int b = 0; b < n; b++) {
                System.arraycopy(d, (b * k + oc) * plane, rows, (oc * n + b) * plane, plane);
            }
        });
        return rows;
    }

    private static float[] ensure(float[] a, int size) {
        return a != null && a.length == size ? a : new float[size];
    }
}
