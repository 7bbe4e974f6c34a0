package org.imgpipe.model.fast;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.normalization.BatchNormalizationHelper;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;
import java.util.Collections;
import java.util.Map;

/**
 * Batch normalization of NCHW float activations in plain Java, channels in parallel where the thread's task
 * has several threads ({@link FloatArrays#indices}). Each channel's values are copied once into a small block
 * (32 x H x W floats, cache-sized), which yields the batch statistics or the gradient sums, and written once:
 * two passes over memory per direction, where libnd4j's batchnorm_bp and its separate mean/variance
 * reductions make several. Other layouts and types return null, which sends DL4J's layer down its built-in
 * path.
 */
final class JavaBatchNormHelper implements BatchNormalizationHelper {
    private INDArray meanCache;
    private INDArray varCache;

    @Override
    public boolean checkSupported() {
        return true;
    }

    @Override
    public boolean checkSupported(double eps, boolean fixedGammaBeta) {
        return !fixedGammaBeta;
    }

    private static boolean supported(INDArray x, CNN2DFormat format) {
        return x.rank() == 4 && format == CNN2DFormat.NCHW && FloatArrays.isDenseFloat(x);
    }

    @Override
    public INDArray preOutput(INDArray x, boolean training, long[] shape, INDArray gamma, INDArray beta, INDArray mean,
                              INDArray var, double decay, double eps, CNN2DFormat format,
                              LayerWorkspaceMgr workspaceMgr) {
        if (!supported(x, format)) {
            return null;
        }
        int n = (int) x.size(0);
        int c = (int) x.size(1);
        int s = (int) (x.size(2) * x.size(3));
        float[] g = gamma.toFloatVector();
        float[] b = beta.toFloatVector();
        float[] mu = training ? new float[c] : mean.toFloatVector();
        float[] v = training ? new float[c] : var.toFloatVector();
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, x.dataType(), x.shape());
        FloatBuffer in = FloatArrays.view(x);
        FloatBuffer dst = FloatArrays.view(out);
        FloatArrays.indices(c).forEach(ch -> {
            int count = n * s;
            float[] block = FloatArrays.scratch(0, count);
            gather(in, block, n, c, s, ch);
            if (training) {
                float m = (float) (FloatArrays.sum(block, count) / count);
                mu[ch] = m;
                v[ch] = (float) (FloatArrays.sumOfCenteredProducts(block, m, block, m, count) / count);
            }
            float scale = (float) (g[ch] / Math.sqrt(v[ch] + eps));
            float shift = b[ch] - mu[ch] * scale;
            for (int i = 0; i < count; i++) {
                block[i] = block[i] * scale + shift;
            }
            scatter(dst, block, n, c, s, ch);
        });
        if (training) {
            try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                meanCache = Nd4j.createFromArray(mu);
                varCache = Nd4j.createFromArray(v);
            }
        }
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray input, INDArray epsilon, long[] shape, INDArray gamma,
                                                     INDArray beta, INDArray dGammaView, INDArray dBetaView,
                                                     double eps, CNN2DFormat format, LayerWorkspaceMgr workspaceMgr) {
        if (!supported(input, format) || meanCache == null) {
            return null;
        }
        INDArray dy = supported(epsilon, format) ? epsilon : epsilon.dup('c');
        int n = (int) input.size(0);
        int c = (int) input.size(1);
        int s = (int) (input.size(2) * input.size(3));
        float[] g = gamma.toFloatVector();
        float[] mu = meanCache.toFloatVector();
        float[] v = varCache.toFloatVector();
        float[] dGamma = new float[c];
        float[] dBeta = new float[c];
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, input.dataType(), input.shape());
        FloatBuffer xb = FloatArrays.view(input);
        FloatBuffer dyb = FloatArrays.view(dy);
        FloatBuffer dxb = FloatArrays.view(dx);
        FloatArrays.indices(c).forEach(ch -> {
            int count = n * s;
            float[] xs = FloatArrays.scratch(0, count);
            float[] ds = FloatArrays.scratch(1, count);
            gather(xb, xs, n, c, s, ch);
            gather(dyb, ds, n, c, s, ch);
            float invStd = (float) (1 / Math.sqrt(v[ch] + eps));
            float m = mu[ch];
            double sumDy = FloatArrays.sum(ds, count);
            double sumDyXhat = invStd * FloatArrays.sumOfCenteredProducts(ds, 0f, xs, m, count);
            // dx = gamma * invStd * (dy - mean(dy) - xhat * mean(dy * xhat)), in one pass
            float k = g[ch] * invStd;
            float perX = (float) (k * invStd * sumDyXhat / count);
            float shift = (float) (-k * sumDy / count);
            for (int i = 0; i < count; i++) {
                ds[i] = k * ds[i] - perX * (xs[i] - m) + shift;
            }
            scatter(dxb, ds, n, c, s, ch);
            dGamma[ch] = (float) sumDyXhat;
            dBeta[ch] = (float) sumDy;
        });
        dGammaView.assign(Nd4j.createFromArray(dGamma).reshape(dGammaView.shape()));
        dBetaView.assign(Nd4j.createFromArray(dBeta).reshape(dBetaView.shape()));
        Gradient grad = new DefaultGradient();
        grad.setGradientFor(BatchNormalizationParamInitializer.GAMMA, dGammaView);
        grad.setGradientFor(BatchNormalizationParamInitializer.BETA, dBetaView);
        return new Pair<>(grad, dx);
    }

    /** Channel ch of every example, into one contiguous block. */
    private static void gather(FloatBuffer src, float[] block, int n, int c, int s, int ch) {
        for (int i = 0; i < n; i++) {
            src.get((i * c + ch) * s, block, i * s, s);
        }
    }

    private static void scatter(FloatBuffer dst, float[] block, int n, int c, int s, int ch) {
        for (int i = 0; i < n; i++) {
            dst.put((i * c + ch) * s, block, i * s, s);
        }
    }

    @Override
    public INDArray getMeanCache(DataType dataType) {
        return meanCache;
    }

    @Override
    public INDArray getVarCache(DataType dataType) {
        return varCache;
    }

    @Override
    public Map<String, Long> helperMemoryUse() {
        return Collections.emptyMap();
    }
}
