package org.imgpipe.model.fast;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.normalization.BatchNormalizationHelper;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.imgpipe.runtime.NativeRuntime;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;

/**
 * Batch normalization of {@link ChannelBlocks} activations, for a layer between two layers that pass them: the
 * per-channel sums in Java ({@link ChannelBlockSums}, float per position and double per channel), the per-element
 * arithmetic on oneDNN ({@link OneDnnBatchNorm}), which vectorizes the blocked layout's interleaved channels where
 * the JIT does not. DL4J's own code reads activations as NCHW, so this helper takes every call: a shape whose
 * primitives oneDNN refuses to create runs {@link JavaBatchNormHelper} on NCHW copies, and a run oneDNN fails
 * stops with an exception. Each thread keeps the primitives of the last {@value #KEPT} shapes it ran.
 */
final class OneDnnBatchNormHelper implements BatchNormalizationHelper {
    /** Model S's four batch norms at two batch sizes. */
    static final int KEPT = 8;
    /** Each thread's primitives by shape, and the shapes oneDNN refused. */
    static final ThreadPrimitives<Shape, OneDnnBatchNorm> NORMS = new ThreadPrimitives<>("batch normalizations",
            KEPT);

    /** For the shapes oneDNN refuses. */
    private final JavaBatchNormHelper plain = new JavaBatchNormHelper();
    /**
     * The last training pass's statistics, C floats each, outside workspaces ({@link #perChannel}); null before one
     * or after a refused one.
     */
    private INDArray meanCache;
    private INDArray varCache;
    /**
     * C floats each, outside workspaces, rewritten by every call rather than allocated (each ND4J allocation asks
     * JavaCPP for the process's physical memory): the batch's mean and variance, then the backward pass's k, slope,
     * shift, unit variance and the two parameter gradients.
     */
    private INDArray[] perChannel;

    /** A batch norm's input shape and epsilon, and the calling thread's OpenMP team. */
    record Shape(long batchSize, long channels, long height, long width, float epsilon, int threads) {
    }

    /** @return true: oneDNN's presets are loaded wherever a layer passes blocked activations */
    @Override
    public boolean checkSupported() {
        return true;
    }

    /**
     * @param eps            the epsilon
     * @param fixedGammaBeta whether gamma and beta are fixed (not parameters)
     * @return false for fixed gamma and beta, which a layer on blocked activations refuses when created
     */
    @Override
    public boolean checkSupported(double eps, boolean fixedGammaBeta) {
        return !fixedGammaBeta;
    }

    /**
     * Normalizes blocked activations: {@code gamma * (x - mean) / sqrt(var + eps) + beta} per channel, with the
     * batch's statistics when training (the variance biased, as in Keras and DL4J; kept for the backward pass and
     * DL4J's moving averages) and with the given ones otherwise.
     *
     * @param x            {@code [N, C, H, W]} floats in {@link ChannelBlocks}
     * @param training     whether to use the batch's statistics
     * @param shape        the shape of gamma and beta
     * @param gamma        C floats
     * @param beta         C floats
     * @param mean         the moving mean, C floats, read when not training
     * @param var          the moving variance, C floats, read when not training
     * @param decay        the moving averages' decay (DL4J updates them from {@link #getMeanCache})
     * @param eps          added to the variance
     * @param format       NCHW (the shape's order; the floats are blocked)
     * @param workspaceMgr where the output is allocated ({@code ACTIVATIONS})
     * @return {@code [N, C, H, W]} blocked floats
     * @throws IllegalArgumentException when the format is not NCHW
     * @throws IllegalStateException    when x is not dense blocked floats ({@link ChannelBlocks#require}), or oneDNN
     *                                  fails to run its primitive
     */
    @Override
    public INDArray preOutput(INDArray x, boolean training, long[] shape, INDArray gamma, INDArray beta, INDArray mean,
                              INDArray var, double decay, double eps, CNN2DFormat format,
                              LayerWorkspaceMgr workspaceMgr) {
        INDArray in = taken(x, format);
        Shape key = shape(in, eps);
        OneDnnBatchNorm norm = NORMS.get(key, OneDnnBatchNormHelper::create);
        if (norm == null) {
            if (training) {
                meanCache = null;
                varCache = null;
            }
            INDArray out = plain.preOutput(ChannelBlocks.toPlain(in), training, shape, gamma, beta, mean, var, decay,
                    eps, format, workspaceMgr);
            return ChannelBlocks.toBlocked(out, workspaceMgr, ArrayType.ACTIVATIONS);
        }
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, in.shape(), 'c');
        if (training) {
            ChannelBlockSums.Statistics stats = ChannelBlockSums.statistics(in);
            meanCache = perChannel(MEAN, stats.mean());
            varCache = perChannel(VARIANCE, stats.variance());
        }
        try {
            norm.normalize(in, FloatArrays.contiguous(gamma), FloatArrays.contiguous(beta),
                    training ? meanCache : FloatArrays.contiguous(mean),
                    training ? varCache : FloatArrays.contiguous(var), out);
        } catch (RuntimeException failed) {
            NORMS.refuse(key, failed);
            throw new IllegalStateException("oneDNN failed a batch normalization of blocked activations", failed);
        }
        return out;
    }

    /**
     * The gradients of the last training pass: {@code dx = gamma / sqrt(var + eps) * (dy - mean(dy) - xhat *
     * mean(dy * xhat))}, {@code dGamma = sum(dy * xhat)}, {@code dBeta = sum(dy)} per channel (as DL4J's).
     *
     * @param input        that pass's input, {@code [N, C, H, W]} floats in {@link ChannelBlocks}
     * @param epsilon      the loss gradient at the output, likewise
     * @param shape        the shape of gamma and beta
     * @param gamma        C floats
     * @param beta         C floats
     * @param dGammaView   written: gamma's gradient, a view into DL4J's gradient vector
     * @param dBetaView    written: beta's gradient, likewise
     * @param eps          added to the variance
     * @param format       NCHW
     * @param workspaceMgr where the input gradient is allocated ({@code ACTIVATION_GRAD})
     * @return the two gradient views under DL4J's keys and the gradient at the input, {@code [N, C, H, W]}
     *     blocked floats
     * @throws IllegalArgumentException as {@link #preOutput}
     * @throws IllegalStateException    as {@link #preOutput}, and before a training pass
     */
    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray input, INDArray epsilon, long[] shape, INDArray gamma,
                                                     INDArray beta, INDArray dGammaView, INDArray dBetaView,
                                                     double eps, CNN2DFormat format, LayerWorkspaceMgr workspaceMgr) {
        INDArray x = taken(input, format);
        INDArray dy = ChannelBlocks.require(epsilon, "a batch norm's gradient");
        if (meanCache == null) {
            Pair<Gradient, INDArray> gradients = plain.backpropGradient(ChannelBlocks.toPlain(x),
                    ChannelBlocks.toPlain(dy), shape, gamma, beta, dGammaView, dBetaView, eps, format, workspaceMgr);
            if (gradients == null) {
                throw new IllegalStateException("a batch norm's backward pass ran before its training pass");
            }
            gradients.setSecond(ChannelBlocks.toBlocked(gradients.getSecond(), workspaceMgr,
                    ArrayType.ACTIVATION_GRAD));
            return gradients;
        }
        Shape key = shape(x, eps);
        OneDnnBatchNorm norm = NORMS.get(key, OneDnnBatchNormHelper::create);
        if (norm == null) {
            throw new IllegalStateException("oneDNN refused the primitives of " + key + " after its training pass");
        }
        float[] g = gamma.toFloatVector();
        float[] m = meanCache.toFloatVector();
        float[] v = varCache.toFloatVector();
        ChannelBlockSums.GradientSums sums = ChannelBlockSums.gradientSums(x, dy, m);
        int c = g.length;
        double count = (double) x.length() / c;
        float[] k = new float[c];
        float[] slope = new float[c];
        float[] shift = new float[c];
        float[] dGamma = new float[c];
        float[] dBeta = new float[c];
        for (int ch = 0; ch < c; ch++) {
            float invStd = (float) (1 / Math.sqrt(v[ch] + eps));
            double sumDyXhat = invStd * sums.dyTimesCentred()[ch];
            k[ch] = g[ch] * invStd;
            slope[ch] = (float) (-k[ch] * invStd * sumDyXhat / count);
            shift[ch] = (float) (-k[ch] * sums.dy()[ch] / count);
            dGamma[ch] = (float) sumDyXhat;
            dBeta[ch] = (float) sums.dy()[ch];
        }
        // dx = k * dy + slope * (x - mean) + shift: the affine part as a batch norm with unit deviation, then k * dy.
        float[] unit = new float[c];
        Arrays.fill(unit, (float) (1 - eps));
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, x.shape(), 'c');
        try {
            norm.normalize(x, perChannel(SLOPE, slope), perChannel(SHIFT, shift), meanCache, perChannel(UNIT, unit),
                    dx);
            norm.addMultiple(dy, perChannel(K, k), dx);
        } catch (RuntimeException failed) {
            NORMS.refuse(key, failed);
            throw new IllegalStateException("oneDNN failed the backward pass of a batch normalization of blocked "
                    + "activations", failed);
        }
        dGammaView.assign(perChannel(D_GAMMA, dGamma).reshape(dGammaView.shape()));
        dBetaView.assign(perChannel(D_BETA, dBeta).reshape(dBetaView.shape()));
        Gradient gradient = new DefaultGradient();
        gradient.setGradientFor(BatchNormalizationParamInitializer.GAMMA, dGammaView);
        gradient.setGradientFor(BatchNormalizationParamInitializer.BETA, dBetaView);
        return new Pair<>(gradient, dx);
    }

    /** @return the last training pass's batch means, C floats (the Java helper's for a refused shape) */
    @Override
    public INDArray getMeanCache(DataType dataType) {
        return meanCache != null ? meanCache : plain.getMeanCache(dataType);
    }

    /** @return the last training pass's biased batch variances, C floats, likewise */
    @Override
    public INDArray getVarCache(DataType dataType) {
        return varCache != null ? varCache : plain.getVarCache(dataType);
    }

    /** @return nothing: the primitives belong to the thread, not to one layer */
    @Override
    public Map<String, Long> helperMemoryUse() {
        return Collections.emptyMap();
    }

    private static final int MEAN = 0;
    private static final int VARIANCE = 1;
    private static final int K = 2;
    private static final int SLOPE = 3;
    private static final int SHIFT = 4;
    private static final int UNIT = 5;
    private static final int D_GAMMA = 6;
    private static final int D_BETA = 7;

    /** Vector {@code which} of {@link #perChannel}, holding the values. */
    private INDArray perChannel(int which, float[] values) {
        if (perChannel == null || perChannel[which].length() != values.length) {
            perChannel = new INDArray[D_BETA + 1];
            for (int i = 0; i < perChannel.length; i++) {
                perChannel[i] = Nd4j.createUninitializedDetached(DataType.FLOAT, values.length);
            }
        }
        FloatArrays.view(perChannel[which]).put(0, values);
        return perChannel[which];
    }

    private static OneDnnBatchNorm create(Shape s) {
        return new OneDnnBatchNorm(s.batchSize(), s.channels(), s.height(), s.width(), s.epsilon());
    }

    private static Shape shape(INDArray x, double eps) {
        return new Shape(x.size(0), x.size(1), x.size(2), x.size(3), (float) eps, NativeRuntime.threadsOfThisThread());
    }

    /**
     * @return the activations
     * @throws IllegalArgumentException when the format is not NCHW
     * @throws IllegalStateException    as {@link ChannelBlocks#require}
     */
    private static INDArray taken(INDArray x, CNN2DFormat format) {
        if (format != CNN2DFormat.NCHW) {
            throw new IllegalArgumentException("a batch norm of channel-blocked activations needs the NCHW format in "
                    + "its configuration (the shape's order), not " + format);
        }
        return ChannelBlocks.require(x, "a batch norm");
    }
}
