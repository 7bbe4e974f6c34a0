package org.imgpipe.model.fast;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * A trained Model S's parameters rearranged for inference, where batch normalization uses its moving
 * statistics and is therefore a per-channel affine map {@code y = scale * x + shift} with
 * {@code scale = gamma / sqrt(variance + eps)} and {@code shift = beta - mean * scale} (DL4J's and Keras'
 * inference formula). The input rescaling by 1/255 is folded into the first convolution's kernel. A batch
 * norm that feeds a convolution directly (bn_1 into conv2d_2, bn_3 into conv2d_4) is folded into that
 * convolution's kernel and bias: with "valid" padding every input pixel of a convolution is a real
 * activation, so {@code conv(scale * x + shift) = conv'(x)} exactly. The two batch norms that feed a max
 * pool (bn_2, bn_4) stay as affine maps after their convolution's ReLU: a negative scale would turn the
 * max into a min.
 *
 * <p>Shapes (C-order floats): convolution kernels {@code [out, in, 3, 3]}, biases {@code [out]}; the dense
 * kernel {@code [flat, units]} with {@code flat} in the flatten's (channel, row, column) order; the output
 * kernel {@code [units, classes]}.
 *
 * @param convKernel the four convolution kernels, folded
 * @param convBias   the four convolution biases, folded
 * @param postScale  per convolution, the scale of the batch norm applied after its ReLU, or null when folded
 *                   into the next convolution
 * @param postShift  per convolution, that batch norm's shift, or null
 * @param denseKernel the dense layer's kernel {@code [flat, units]}
 * @param denseBias   the dense layer's bias {@code [units]}
 * @param outputKernel the output layer's kernel {@code [units, classes]}
 * @param outputBias   the output layer's bias {@code [classes]}
 */
public record FoldedModelS(float[][] convKernel, float[][] convBias, float[][] postScale,
                           float[][] postShift, float[] denseKernel, float[] denseBias, float[] outputKernel,
                           float[] outputBias) {
    /** The input pixels' scale of Model S's rescaling vertex (Keras' Rescaling(1/255)). */
    public static final double INPUT_SCALE = 1.0 / 255.0;
    private static final int LAYERS = 4;
    private static final int KERNEL_AREA = 9;

    /**
     * Reads and folds the parameters of a Model S graph ({@code org.imgpipe.model.ModelS}'s layer names).
     *
     * @param graph the trained graph; its parameters are read, not changed
     * @return the folded parameters
     * @throws IllegalArgumentException when the graph lacks one of Model S's layers
     */
    public static FoldedModelS of(ComputationGraph graph) {
        float[][] kernel = new float[LAYERS][];
        float[][] bias = new float[LAYERS][];
        float[][] scale = new float[LAYERS][];
        float[][] shift = new float[LAYERS][];
        for (int l = 0; l < LAYERS; l++) {
            Layer conv = layer(graph, "conv2d_" + (l + 1));
            kernel[l] = floats(conv.getParam("W"));
            bias[l] = floats(conv.getParam("b"));
            float[][] affine = batchNormAffine(layer(graph, "bn_" + (l + 1)));
            scale[l] = affine[0];
            shift[l] = affine[1];
        }
        scaleAll(kernel[0], (float) INPUT_SCALE);
        for (int l = 0; l < LAYERS; l += 2) {
            foldInputAffine(kernel[l + 1], bias[l + 1], scale[l], shift[l]);
            scale[l] = null;
            shift[l] = null;
        }
        Layer dense = layer(graph, "dense");
        Layer output = layer(graph, "predictions");
        return new FoldedModelS(kernel, bias, scale, shift, floats(dense.getParam("W")),
                floats(dense.getParam("b")), floats(output.getParam("W")), floats(output.getParam("b")));
    }

    /** @return the number of output classes */
    public int numClasses() {
        return outputBias.length;
    }

    /**
     * @return the side of the last max pool's output, which the dense layer's kernel was sized for
     *     ({@code flat = channels * side * side}): 5 for 32x32 images
     */
    public int pooledSide() {
        return (int) Math.round(Math.sqrt((double) denseKernel.length / denseUnits() / outChannels(LAYERS - 1)));
    }

    /**
     * @param imageSize the side of square input images, in pixels
     * @return the side of the last max pool's output for such images: two 3x3 "valid" convolutions (-4)
     *     and a 2x2 pool (halved, rounded down), twice
     */
    public static int pooledSide(int imageSize) {
        return ((imageSize - 4) / 2 - 4) / 2;
    }

    /** @return the dense layer's number of units */
    public int denseUnits() {
        return denseBias.length;
    }

    /**
     * @param layer the convolution, 0..3
     * @return its number of output channels
     */
    public int outChannels(int layer) {
        return convBias[layer].length;
    }

    /**
     * @param layer the convolution, 0..3
     * @return its number of input channels
     */
    public int inChannels(int layer) {
        return convKernel[layer].length / (outChannels(layer) * KERNEL_AREA);
    }

    /**
     * Folds a per-input-channel affine map {@code x -> scale * x + shift}, applied before a convolution with
     * "valid" padding, into that convolution: {@code kernel[o, i, :, :] *= scale[i]} and
     * {@code bias[o] += sum over i, ky, kx of kernel[o, i, ky, kx] * shift[i]} (the unscaled kernel).
     *
     * @param kernel the convolution's kernel {@code [out, in, kh, kw]}, C-order; changed in place
     * @param bias   its bias {@code [out]}; changed in place
     * @param scale  {@code [in]}
     * @param shift  {@code [in]}
     * @throws IllegalArgumentException when the lengths disagree
     */
    static void foldInputAffine(float[] kernel, float[] bias, float[] scale, float[] shift) {
        int out = bias.length;
        int in = scale.length;
        if (shift.length != in || kernel.length % (out * in) != 0) {
            throw new IllegalArgumentException("kernel of " + kernel.length + " floats does not match " + out
                    + " outputs and " + in + " inputs");
        }
        int area = kernel.length / (out * in);
        for (int o = 0; o < out; o++) {
            double added = 0;
            for (int i = 0; i < in; i++) {
                int from = (o * in + i) * area;
                for (int k = from; k < from + area; k++) {
                    added += (double) kernel[k] * shift[i];
                    kernel[k] *= scale[i];
                }
            }
            bias[o] += (float) added;
        }
    }

    /**
     * A batch-norm layer's inference map as {scale, shift} per channel. DL4J 1.0.0-M2 keeps
     * {@code log10stdev} by default (variance = 10^(2 * log10stdev)), older configurations {@code var}.
     */
    private static float[][] batchNormAffine(Layer bn) {
        float[] gamma = floats(bn.getParam("gamma"));
        float[] beta = floats(bn.getParam("beta"));
        float[] mean = floats(bn.getParam("mean"));
        boolean logStd = bn.paramTable().containsKey("log10stdev");
        float[] stored = floats(bn.getParam(logStd ? "log10stdev" : "var"));
        double eps = ((BatchNormalization) bn.conf().getLayer()).getEps();
        float[] scale = new float[gamma.length];
        float[] shift = new float[gamma.length];
        for (int c = 0; c < gamma.length; c++) {
            double variance = logStd ? Math.pow(10, 2.0 * stored[c]) : stored[c];
            double s = gamma[c] / Math.sqrt(variance + eps);
            scale[c] = (float) s;
            shift[c] = (float) (beta[c] - mean[c] * s);
        }
        return new float[][]{scale, shift};
    }

    private static Layer layer(ComputationGraph graph, String name) {
        Layer layer = graph.getLayer(name);
        if (layer == null) {
            throw new IllegalArgumentException("not a Model S graph: no layer '" + name + "' among "
                    + Arrays.toString(Arrays.stream(graph.getLayers()).map(Layer::getConfig)
                    .map(c -> c.getLayerName()).toArray()));
        }
        return layer;
    }

    private static float[] floats(INDArray array) {
        return array.dup('c').reshape(array.length()).toFloatVector();
    }

    private static void scaleAll(float[] values, float factor) {
        for (int i = 0; i < values.length; i++) {
            values[i] *= factor;
        }
    }
}
