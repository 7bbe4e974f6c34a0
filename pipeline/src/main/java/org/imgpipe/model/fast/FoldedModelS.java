package org.imgpipe.model.fast;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

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
 * kernel {@code [units, classes]}. The arrays are this object's own copies, read by {@link OneDnnForward}.
 */
public final class FoldedModelS {
    /** Model S's input rescaling (Keras' Rescaling(1/255)); {@code ModelS} builds its vertex with it. */
    public static final double INPUT_SCALE = 1.0 / 255.0;
    /** The number of convolutions; a max pool follows the second and the fourth ({@link #feedsPool}). */
    static final int CONVOLUTIONS = 4;
    private static final int KERNEL_AREA = 9;

    private final float[][] convKernel = new float[CONVOLUTIONS][];
    private final float[][] convBias = new float[CONVOLUTIONS][];
    private final float[][] postScale = new float[CONVOLUTIONS][];
    private final float[][] postShift = new float[CONVOLUTIONS][];
    private final float[] denseKernel;
    private final float[] denseBias;
    private final float[] outputKernel;
    private final float[] outputBias;

    private FoldedModelS(ComputationGraph graph) {
        for (int l = 0; l < CONVOLUTIONS; l++) {
            Layer conv = layer(graph, "conv2d_" + (l + 1));
            convKernel[l] = floats(conv.getParam("W"));
            convBias[l] = floats(conv.getParam("b"));
            float[][] affine = batchNormAffine(layer(graph, "bn_" + (l + 1)));
            postScale[l] = affine[0];
            postShift[l] = affine[1];
        }
        for (int i = 0; i < convKernel[0].length; i++) {
            convKernel[0][i] *= (float) INPUT_SCALE;
        }
        for (int l = 0; l < CONVOLUTIONS; l++) {
            if (!feedsPool(l)) {
                foldInputAffine(convKernel[l + 1], convBias[l + 1], postScale[l], postShift[l]);
                postScale[l] = null;
                postShift[l] = null;
            }
        }
        Layer dense = layer(graph, "dense");
        Layer output = layer(graph, "predictions");
        denseKernel = floats(dense.getParam("W"));
        denseBias = floats(dense.getParam("b"));
        outputKernel = floats(output.getParam("W"));
        outputBias = floats(output.getParam("b"));
    }

    /**
     * Reads and folds the parameters of a Model S graph ({@code org.imgpipe.model.ModelS}'s layer names).
     *
     * @param graph the trained graph; its parameters are read, not changed
     * @return the folded parameters
     * @throws IllegalArgumentException when the graph lacks one of Model S's layers, or a batch norm keeps
     *     its variance other than as DL4J 1.0.0-M2's default {@code log10stdev}
     */
    public static FoldedModelS of(ComputationGraph graph) {
        return new FoldedModelS(graph);
    }

    /**
     * @param layer a convolution, 0..3
     * @return whether a max pool follows it (and its batch norm therefore stays after its ReLU)
     */
    static boolean feedsPool(int layer) {
        return layer % 2 == 1;
    }

    /**
     * @param imageSize the side of square input images, in pixels
     * @return the side of the last max pool's output for such images: two 3x3 "valid" convolutions (-4)
     *     and a 2x2 pool (halved, rounded down), twice; 5 for 32..35
     */
    public static int pooledSide(int imageSize) {
        return ((imageSize - 4) / 2 - 4) / 2;
    }

    /**
     * @return the side of the last max pool's output that the dense layer's kernel was sized for
     *     ({@code flat = channels * side * side})
     */
    public int pooledSide() {
        return (int) Math.round(Math.sqrt((double) denseKernel.length / denseUnits()
                / outChannels(CONVOLUTIONS - 1)));
    }

    /** @return the number of output classes */
    public int numClasses() {
        return outputBias.length;
    }

    /** @return the dense layer's number of units */
    public int denseUnits() {
        return denseBias.length;
    }

    /**
     * @param layer a convolution, 0..3
     * @return its number of output channels
     */
    public int outChannels(int layer) {
        return convBias[layer].length;
    }

    /**
     * @param layer a convolution, 0..3
     * @return its number of input channels (3, RGB, for the first)
     */
    public int inChannels(int layer) {
        return convKernel[layer].length / (outChannels(layer) * KERNEL_AREA);
    }

    /**
     * @param other another folded model
     * @return whether its every kernel, bias and batch-norm map has this model's length, and with it its shape
     *     (a bias fixes a layer's outputs, its kernel's length then its inputs), so that one
     *     {@link OneDnnForward} chain runs either ({@link OneDnnForward#load})
     */
    public boolean sameShapes(FoldedModelS other) {
        for (int l = 0; l < CONVOLUTIONS; l++) {
            if (!sameLength(convKernel[l], other.convKernel[l]) || !sameLength(convBias[l], other.convBias[l])
                    || !sameLength(postScale[l], other.postScale[l])) {
                return false;
            }
        }
        return sameLength(denseKernel, other.denseKernel) && sameLength(denseBias, other.denseBias)
                && sameLength(outputKernel, other.outputKernel) && sameLength(outputBias, other.outputBias);
    }

    private static boolean sameLength(float[] a, float[] b) {
        return a == null ? b == null : b != null && a.length == b.length;
    }

    float[] convKernel(int layer) {
        return convKernel[layer];
    }

    float[] convBias(int layer) {
        return convBias[layer];
    }

    /** @return the scale of the batch norm after this convolution's ReLU, or null when folded forward */
    float[] postScale(int layer) {
        return postScale[layer];
    }

    float[] postShift(int layer) {
        return postShift[layer];
    }

    float[] denseKernel() {
        return denseKernel;
    }

    float[] denseBias() {
        return denseBias;
    }

    float[] outputKernel() {
        return outputKernel;
    }

    float[] outputBias() {
        return outputBias;
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
     * Batch normalization at inference as {scale, shift} per channel.
     *
     * @param gamma    {@code [C]}
     * @param beta     {@code [C]}
     * @param mean     the moving mean {@code [C]}
     * @param log10std DL4J 1.0.0-M2's stored {@code log10stdev} {@code [C]}: variance = 10^(2 * log10std)
     * @param eps      the epsilon added to the variance
     * @return {@code {scale, shift}}, each {@code [C]}
     */
    static float[][] batchNormAffine(float[] gamma, float[] beta, float[] mean, float[] log10std, double eps) {
        float[] scale = new float[gamma.length];
        float[] shift = new float[gamma.length];
        for (int c = 0; c < gamma.length; c++) {
            double s = gamma[c] / Math.sqrt(Math.pow(10, 2.0 * log10std[c]) + eps);
            scale[c] = (float) s;
            shift[c] = (float) (beta[c] - mean[c] * s);
        }
        return new float[][]{scale, shift};
    }

    private static float[][] batchNormAffine(Layer bn) {
        if (!(bn.conf().getLayer() instanceof BatchNormalization conf)
                || !bn.paramTable().containsKey("log10stdev")) {
            throw new IllegalArgumentException("layer '" + bn.conf().getLayer().getLayerName()
                    + "' is not a batch norm keeping log10stdev (DL4J's default)");
        }
        return batchNormAffine(floats(bn.getParam("gamma")), floats(bn.getParam("beta")),
                floats(bn.getParam("mean")), floats(bn.getParam("log10stdev")), conf.getEps());
    }

    private static Layer layer(ComputationGraph graph, String name) {
        if (graph.getVertex(name) == null || !graph.getVertex(name).hasLayer()) {
            throw new IllegalArgumentException("not a Model S graph: no layer '" + name + "'");
        }
        return graph.getVertex(name).getLayer();
    }

    private static float[] floats(INDArray array) {
        return array.dup('c').reshape(array.length()).toFloatVector();
    }
}
