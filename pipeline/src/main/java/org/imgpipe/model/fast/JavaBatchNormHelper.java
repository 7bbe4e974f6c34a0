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
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;
import java.util.Collections;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Batch normalization of NCHW float activations in plain Java, channels in parallel. Each channel's
 * values are copied once into a small block (32 x H x W floats, cache-sized), which yields the batch
 * statistics or the gradient sums, and written once: two passes over memory per direction, where
 * libnd4j's batchnorm_bp and its separate mean/variance reductions make several. Other layouts and
 * types return null, which sends DL4J's layer down its built-in path.
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
        return x.rank() == 4 && format == CNN2DFormat.NCHW && x.dataType() == DataType.FLOAT
                && x.ordering() == 'c' && Shape.hasDefaultStridesForShape(x);
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
        FloatBuffer in = buffer(x);
        FloatBuffer dst = buffer(out);
        IntStream.range(0, c).parallel().forEach(ch -> {
            float[] block = read(in, n, c, s, ch);
            if (training) {
                double sum = 0;
                for (float f : block) {
                    sum += f;
                }
                double m = sum / block.length;
                double sq = 0;
                for (float f : block) {
                    double d = f - m;
                    sq += d * d;
                }
                mu[ch] = (float) m;
                v[ch] = (float) (sq / block.length);
            }
            float scale = (float) (g[ch] / Math.sqrt(v[ch] + eps));
            float shift = b[ch] - mu[ch] * scale;
            for (int i = 0; i < block.length; i++) {
                block[i] = block[i] * scale + shift;
            }
            write(dst, block, n, c, s, ch);
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
        FloatBuffer xb = buffer(input);
        FloatBuffer dyb = buffer(dy);
        FloatBuffer dxb = buffer(dx);
        IntStream.range(0, c).parallel().forEach(ch -> {
            float[] xs = read(xb, n, c, s, ch);
            float[] ds = read(dyb, n, c, s, ch);
            float invStd = (float) (1 / Math.sqrt(v[ch] + eps));
            float m = mu[ch];
            double sumDy = 0;
            double sumDyXhat = 0;
            for (int i = 0; i < xs.length; i++) {
                float xhat = (xs[i] - m) * invStd;
                xs[i] = xhat;
                sumDy += ds[i];
                sumDyXhat += ds[i] * xhat;
            }
            int count = xs.length;
            float meanDy = (float) (sumDy / count);
            float meanDyXhat = (float) (sumDyXhat / count);
            float k = g[ch] * invStd;
            for (int i = 0; i < count; i++) {
                ds[i] = k * (ds[i] - meanDy - xs[i] * meanDyXhat);
            }
            write(dxb, ds, n, c, s, ch);
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

    /** A view of the array's floats, positioned so that index 0 is its first element. */
    private static FloatBuffer buffer(INDArray a) {
        FloatBuffer fb = a.data().asNioFloat();
        return fb.position((int) a.offset()).slice();
    }

    /** Channel ch of every example, as one contiguous block. */
    private static float[] read(FloatBuffer src, int n, int c, int s, int ch) {
        float[] block = new float[n * s];
        for (int i = 0; i < n; i++) {
            src.get((i * c + ch) * s, block, i * s, s);
        }
        return block;
    }

    private static void write(FloatBuffer dst, float[] block, int n, int c, int s, int ch) {
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
