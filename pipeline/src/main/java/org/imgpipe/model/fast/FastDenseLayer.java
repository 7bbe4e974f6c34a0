package org.imgpipe.model.fast;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.imgpipe.runtime.NativeRuntime;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's dense layer with its three matrix products as {@code Nd4j.gemm} calls into row-major results.
 * DL4J computes {@code input.mmuli(W, out)} and {@code W.mmuli(delta^T, out)}, which in ND4J 1.0.0-M2 go
 * through a column-major temporary and a copy and take 2-4x longer than one GEMM straight into a
 * row-major result: for Model S's [32, 3200] x [3200, 512] product 2.4 against 1.0 ms, for [256, 3200]
 * 12.1 against 2.9 ms, for the input gradient 2.0 against 0.4 ms (2 cores, AVX-512, median of 30 calls).
 * The arithmetic is DL4J's: the same products, bias, activation and gradients, summed in another order.
 * Layer norm, weight noise, masks, non-float arrays and inputs that are not matrices go through DL4J's
 * own code, as does everything when the fast path is off ({@code NativeRuntime.fastPathEnabled()} when
 * the layer is created).
 */
public class FastDenseLayer extends DenseLayer {
    private final boolean fast;
    /**
     * The last training pass's ReLU output and the input it came from: the backward pass takes the ReLU's mask
     * from it (positive where the pre-activations were) instead of computing the pre-activations again, a
     * [32, 3200] x [3200, 512] product in Model S (~1 ms of a ~50 ms step).
     */
    private INDArray reluOutput;
    private INDArray reluInput;

    /**
     * @param conf the layer's configuration
     * @param dataType the network's data type
     */
    public FastDenseLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
        fast = NativeRuntime.fastPathEnabled() && dataType == DataType.FLOAT
                && !layerConf().hasLayerNorm() && layerConf().getWeightNoise() == null;
    }

    /** @return whether matrix inputs go through the GEMM calls here (false: DL4J's code for every input) */
    boolean runsGemm() {
        return fast;
    }

    private boolean fastFor(INDArray in) {
        return fast && in != null && in.rank() == 2 && in.dataType() == DataType.FLOAT && maskArray == null
                && in.columns() == getParam(DefaultParamInitializer.WEIGHT_KEY).rows();
    }

    /**
     * The pre-activations {@code input x W + b}, {@code [N, nOut]} row-major, as DL4J's.
     *
     * @param training whether dropout on the input applies
     * @param forBackprop whether this is the forward pass repeated in backprop (the input must be set)
     * @param workspaceMgr the workspaces the arrays are created in
     * @return the pre-activations twice (DL4J's pair of output and pre-layer-norm output)
     */
    @Override
    protected Pair<INDArray, INDArray> preOutputWithPreNorm(boolean training, boolean forBackprop,
                                                            LayerWorkspaceMgr workspaceMgr) {
        if (!fastFor(input)) {
            return super.preOutputWithPreNorm(training, forBackprop, workspaceMgr);
        }
        assertInputSet(forBackprop);
        applyDropOutIfNecessary(training, workspaceMgr);
        INDArray w = getParamWithNoise(DefaultParamInitializer.WEIGHT_KEY, training, workspaceMgr);
        INDArray z = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT,
                new long[]{input.rows(), w.columns()}, 'c');
        Nd4j.gemm(input, w, z, false, false, 1.0, 0.0);
        if (hasBias()) {
            z.addiRowVector(getParamWithNoise(DefaultParamInitializer.BIAS_KEY, training, workspaceMgr));
        }
        return new Pair<>(z, z);
    }

    /**
     * DL4J's forward pass, keeping a training pass's output for the backward pass when the activation is
     * {@link FastReLU}.
     *
     * @param training whether this is a training pass
     * @param workspaceMgr the workspaces the arrays are created in
     * @return the activations, {@code [N, nOut]}
     */
    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray out = super.activate(training, workspaceMgr);
        boolean keep = training && fastFor(input) && layerConf().getActivationFn() instanceof FastReLU;
        reluOutput = keep ? out : null;
        reluInput = keep ? input : null;
        return out;
    }

    /**
     * DL4J's dense backprop: bias gradient {@code sum(delta, 0)}, weight gradient {@code input^T x delta}
     * (into the layer's column-major gradient view, computed as its transpose
     * {@code delta^T x input}), and the input gradient {@code delta x W^T}, {@code [N, nIn]}
     * row-major, where {@code delta} is the activation's backprop of {@code epsilon}.
     *
     * @param epsilon the loss gradient with respect to this layer's output, {@code [N, nOut]}
     * @param workspaceMgr the workspaces the arrays are created in
     * @return the gradients and the loss gradient with respect to the input
     */
    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (!fastFor(input)) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        assertInputSet(true);
        // ReLU's gradient mask is the same from its output as from its input.
        INDArray z = reluOutput != null && reluInput == input ? reluOutput
                : preOutputWithPreNorm(true, true, workspaceMgr).getFirst();
        reluOutput = null;
        reluInput = null;
        INDArray delta = layerConf().getActivationFn().backprop(z, epsilon).getFirst();
        Gradient gradient = new DefaultGradient();
        if (hasBias()) {
            INDArray biasGrad = gradientViews.get(DefaultParamInitializer.BIAS_KEY);
            delta.sum(biasGrad, 0);
            gradient.gradientForVariable().put(DefaultParamInitializer.BIAS_KEY, biasGrad);
        }
        INDArray w = getParamWithNoise(DefaultParamInitializer.WEIGHT_KEY, true, workspaceMgr);
        INDArray inputGrad = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT,
                new long[]{delta.rows(), w.rows()}, 'c');
        Nd4j.gemm(delta, w, inputGrad, false, true, 1.0, 0.0);
        INDArray weightGrad = gradientViews.get(DefaultParamInitializer.WEIGHT_KEY);
        // The column-major [nIn, nOut] view read as its row-major transpose: delta^T x input fills it without
        // the column-major result path (0.5-0.9 against 1.0 ms for Model S's 3200 x 512).
        Nd4j.gemm(delta, input, weightGrad.transpose(), true, false, 1.0, 0.0);
        gradient.gradientForVariable().put(DefaultParamInitializer.WEIGHT_KEY, weightGrad);
        weightNoiseParams.clear();
        return new Pair<>(gradient, backpropDropOutIfPresent(inputGrad));
    }
}
