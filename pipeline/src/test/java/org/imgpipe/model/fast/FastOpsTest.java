package org.imgpipe.model.fast;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.imgpipe.runtime.NativeRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.regularization.L1Regularization;
import org.nd4j.linalg.learning.regularization.L2Regularization;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Java RMSProp, penalties and ReLU against DL4J's own on the array shapes DL4J hands them: views
 * at an offset inside one flat parameter vector, in 'c' and 'f' order, with exact zeros; the Java max
 * pooling on known values and against DL4J's on windows with ties.
 */
class FastOpsTest {
    private static final long SEED = 3;

    /** A [rows, cols] view at an offset inside a longer vector, as DL4J lays out each layer's weights. */
    private static INDArray viewInVector(long rows, long cols, char order, long offset) {
        INDArray flat = Nd4j.rand(DataType.FLOAT, 1, offset + rows * cols + 7).subi(0.5);
        INDArray view = flat.get(NDArrayIndex.point(0), NDArrayIndex.interval(offset, offset + rows * cols))
                .reshape(order, rows, cols);
        view.putScalar(0, 0, 0f);
        return view;
    }

    @Test
    void rmsPropMatchesDl4jOverSeveralSteps() {
        Nd4j.getRandom().setSeed(SEED);
        INDArray stockState = Nd4j.zeros(DataType.FLOAT, 1, 50_000);
        INDArray fastState = stockState.dup();
        GradientUpdater<?> stock = new RmsProp(1e-3, 0.9, 1e-7).instantiate(stockState, true);
        GradientUpdater<?> fast = new FastRmsProp(1e-3, 0.9, 1e-7).instantiate(fastState, true);
        assertInstanceOf(JavaRmsPropUpdater.class, fast);
        for (int step = 0; step < 4; step++) {
            INDArray g = Nd4j.randn(DataType.FLOAT, 1, 50_000).muli(Math.pow(10, -step));
            INDArray a = g.dup();
            INDArray b = g.dup();
            stock.applyUpdater(a, step, 0);
            fast.applyUpdater(b, step, 0);
            assertEquals(0, a.sub(b).amaxNumber().doubleValue(), 1e-9 * a.amaxNumber().doubleValue(), "update " + step);
            assertEquals(0, stockState.sub(fastState).amaxNumber().doubleValue(), 1e-12, "state " + step);
        }
    }

    @Test
    void penaltiesMatchDl4jsL1AndL2OnWeightViews() {
        Nd4j.getRandom().setSeed(SEED);
        for (char order : new char[]{'c', 'f'}) {
            INDArray w = viewInVector(300, 170, order, 1234);
            INDArray stockGrad = viewInVector(300, 170, order, 77).muli(1e-3);
            INDArray fastGrad = stockGrad.dup(order);
            new L1Regularization(1e-3).apply(w, stockGrad, 0, 0, 0);
            new L2Regularization(2e-2).apply(w, stockGrad, 0, 0, 0);
            ElasticNetRegularization penalty = new ElasticNetRegularization(1e-3, 2e-2);
            penalty.apply(w, fastGrad, 0, 0, 0);
            assertEquals(0, stockGrad.sub(fastGrad).amaxNumber().doubleValue(), 1e-9, "gradient, order " + order);
            double stockScore = new L1Regularization(1e-3).score(w, 0, 0) + new L2Regularization(2e-2).score(w, 0, 0);
            assertEquals(stockScore, penalty.score(w, 0, 0), 1e-5 * stockScore, "penalty, order " + order);
        }
    }

    @Test
    void reluAndItsGradientMatchDl4j() {
        Nd4j.getRandom().setSeed(SEED);
        for (char order : new char[]{'c', 'f'}) {
            INDArray z = viewInVector(64, 900, order, 11);
            INDArray eps = Nd4j.randn(DataType.FLOAT, 64, 900).dup(order);
            assertEquals(new ActivationReLU().backprop(z.dup(order), eps.dup(order)).getFirst(),
                    new FastReLU().backprop(z.dup(order), eps.dup(order)).getFirst(), "gradient, order " + order);
            assertEquals(new ActivationReLU().getActivation(z.dup(order), true),
                    new FastReLU().getActivation(z.dup(order), true), "activation, order " + order);
        }
    }

    private static final LayerWorkspaceMgr NO_WORKSPACES = LayerWorkspaceMgr.noWorkspaces();

    /** Model S's 2x2 max pooling at stride 2, as DL4J configures it. */
    private static SubsamplingLayer maxPool2x2() {
        return new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build();
    }

    /** The layer a pooling configuration creates, with DL4J's helpers (and this library's fast path) on or off. */
    private static Layer poolingLayer(SubsamplingLayer layerConf, boolean helpers) {
        NeuralNetConfiguration conf = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).layer(layerConf)
                .build();
        return NativeRuntime.withHelpers(helpers,
                () -> conf.getLayer().instantiate(conf, List.of(), 0, null, true, DataType.FLOAT));
    }

    /** DL4J's own pooling layer for Model S's pooling, with its helpers on or off. */
    private static Layer stockMaxPool2x2(boolean helpers) {
        return poolingLayer(maxPool2x2(), helpers);
    }

    @Test
    void maxPoolingTakesEachWindowsMaximumAndGivesTheGradientToItsFirstMaximum() {
        // Windows (1 5 / 3 4) and (2 2 / 2 0): the second holds its maximum three times.
        INDArray x = Nd4j.createFromArray(new float[] {1, 5, 2, 2, 3, 4, 2, 0}).reshape(1, 1, 2, 4);
        INDArray out = Nd4j.create(DataType.FLOAT, 1, 1, 1, 2);
        JavaMaxPool2x2.forward(x, out);
        assertEquals(Nd4j.createFromArray(new float[] {5, 2}).reshape(1, 1, 1, 2), out);
        INDArray dx = Nd4j.valueArrayOf(new long[] {1, 1, 2, 4}, 7f, DataType.FLOAT);
        JavaMaxPool2x2.backward(x, Nd4j.createFromArray(new float[] {10, 20}).reshape(1, 1, 1, 2), dx);
        assertEquals(Nd4j.createFromArray(new float[] {0, 10, 20, 0, 0, 0, 0, 0}).reshape(1, 1, 2, 4), dx);
    }

    @Test
    void maxPoolingAndItsGradientMatchDl4jOnWindowsWithTies() {
        NativeRuntime.prepare();
        Nd4j.getRandom().setSeed(SEED);
        // Integers 0..3: most windows hold their maximum more than once. 40,000 planes of 6x8 span
        // many of the parallel pieces.
        long[] shape = {100, 400, 6, 8};
        INDArray x = Nd4j.rand(DataType.FLOAT, shape).muli(4).castTo(DataType.INT).castTo(DataType.FLOAT);
        INDArray dy = Nd4j.randn(DataType.FLOAT, 100, 400, 3, 4);
        INDArray out = Nd4j.create(DataType.FLOAT, 100, 400, 3, 4);
        INDArray dx = Nd4j.create(DataType.FLOAT, shape);
        JavaMaxPool2x2.forward(x, out);
        JavaMaxPool2x2.backward(x, dy, dx);
        for (boolean helpers : new boolean[] {true, false}) {
            Layer stock = stockMaxPool2x2(helpers);
            stock.setInput(x, NO_WORKSPACES);
            assertEquals(stock.activate(true, NO_WORKSPACES), out, "output, helpers " + helpers);
            assertEquals(stock.backpropGradient(dy, NO_WORKSPACES).getSecond(), dx, "gradient, helpers " + helpers);
        }
    }

    /** A {@link FastSubsamplingLayer} for Model S's pooling, created with the given max-pooling choice. */
    private static Layer fastMaxPool2x2(String choice) {
        System.setProperty(FastSubsamplingLayer.MAX_POOLING_PROPERTY, choice);
        try {
            return poolingLayer(FastLayers.subsampling(maxPool2x2()), true);
        } finally {
            System.clearProperty(FastSubsamplingLayer.MAX_POOLING_PROPERTY);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"java", "onednn"})
    void thePoolingLayerMatchesDl4jsAndFallsBackToItForOddSizesAndOtherGradientShapes(String choice) {
        NativeRuntime.prepare();
        assumeTrue(!choice.equals("onednn") || OneDnnResources.available(), "oneDNN's presets do not load here");
        Nd4j.getRandom().setSeed(SEED);
        Layer fast = fastMaxPool2x2(choice);
        Layer stock = stockMaxPool2x2(true);
        // [2, 3, 5, 7]: DL4J's own code, which drops the last row and column.
        for (long[] shape : new long[][] {{4, 6, 8, 10}, {2, 3, 5, 7}}) {
            INDArray x = Nd4j.rand(DataType.FLOAT, shape).muli(4).castTo(DataType.INT).castTo(DataType.FLOAT);
            INDArray dy = Nd4j.randn(DataType.FLOAT, shape[0], shape[1], shape[2] / 2, shape[3] / 2);
            for (Layer l : List.of(fast, stock)) {
                l.setInput(x, NO_WORKSPACES);
            }
            assertEquals(stock.activate(true, NO_WORKSPACES), fast.activate(true, NO_WORKSPACES));
            if (choice.equals("onednn") && shape[2] % 2 == 0) {
                assertTrue(FastSubsamplingLayer.POOLINGS.has(new FastSubsamplingLayer.Shape(shape[0], shape[1], shape[2],
                        shape[3], false, false, NativeRuntime.threadsOfThisThread())), "oneDNN's primitives ran");
            }
            assertEquals(stock.backpropGradient(dy, NO_WORKSPACES).getSecond(),
                    fast.backpropGradient(dy, NO_WORKSPACES).getSecond());
            // A gradient laid out in 'f' order: DL4J's code, the same values.
            assertEquals(stock.backpropGradient(dy, NO_WORKSPACES).getSecond(),
                    fast.backpropGradient(dy.dup('f'), NO_WORKSPACES).getSecond());
        }
    }

    @Test
    void anUnknownMaxPoolingChoiceIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fastMaxPool2x2("fastest"));
        assertEquals("imgpipe.max-pooling must be java, onednn, libnd4j or auto, not 'fastest'", e.getMessage());
    }

    private static Layer denseLayer(org.deeplearning4j.nn.conf.layers.DenseLayer layerConf, INDArray params) {
        NeuralNetConfiguration conf = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).layer(layerConf)
                .build();
        Layer layer = conf.getLayer().instantiate(conf, List.of(), 0, params, false, DataType.FLOAT);
        layer.setBackpropGradientsViewArray(Nd4j.create(DataType.FLOAT, 1, params.length()));
        return layer;
    }

    private static DenseLayer.Builder dense(int nIn, int nOut) {
        return new DenseLayer.Builder().nIn(nIn).nOut(nOut).activation(new ActivationReLU());
    }

    @Test
    void theDenseLayerGivesKnownProductsAndGradients() {
        NativeRuntime.prepare();
        assumeTrue(NativeRuntime.fastPathEnabled(), "the fast path is off in this JVM");
        // W = [[1, 0, -1], [2, 1, 0]] (DL4J keeps it column-major in the parameter vector), b = [0.5, -4, 0].
        INDArray params = Nd4j.createFromArray(new float[] {1, 2, 0, 1, -1, 0, 0.5f, -4, 0}).reshape(1, 9);
        FastDenseLayer layer = (FastDenseLayer) denseLayer(FastLayers.dense(dense(2, 3).build()), params);
        assertTrue(layer.runsGemm());
        layer.setInput(Nd4j.createFromArray(new float[][] {{1, 2}}), NO_WORKSPACES);
        // z = [1 + 4 + 0.5, 2 - 4, -1] = [5.5, -2, -1]; ReLU
        assertEquals(Nd4j.createFromArray(new float[][] {{5.5f, 0, 0}}), layer.activate(true, NO_WORKSPACES));
        var backprop = layer.backpropGradient(Nd4j.createFromArray(new float[][] {{1, 1, 1}}), NO_WORKSPACES);
        // delta = [1, 0, 0]: dW = x^T delta, db = delta, dx = delta W^T = [1, 2]
        assertEquals(Nd4j.createFromArray(new float[][] {{1, 2}}), backprop.getSecond());
        assertEquals(Nd4j.createFromArray(new float[][] {{1, 0, 0}, {2, 0, 0}}),
                backprop.getFirst().getGradientFor("W"));
        assertEquals(Nd4j.createFromArray(new float[][] {{1, 0, 0}}), backprop.getFirst().getGradientFor("b"));
        FastDenseLayer normed = (FastDenseLayer) denseLayer(FastLayers.dense(dense(2, 3).hasLayerNorm(true).build()),
                Nd4j.ones(DataType.FLOAT, 1, 12));
        assertFalse(normed.runsGemm(), "layer norm: DL4J's code");
    }

    @Test
    void theDenseLayerTakesTheReluMaskFromItsTrainingOutputOnlyForThatInput() {
        NativeRuntime.prepare();
        assumeTrue(NativeRuntime.fastPathEnabled(), "the fast path is off in this JVM");
        // As above, with FastReLU: W = [[1, 0, -1], [2, 1, 0]], b = [0.5, -4, 0].
        INDArray params = Nd4j.createFromArray(new float[] {1, 2, 0, 1, -1, 0, 0.5f, -4, 0}).reshape(1, 9);
        FastDenseLayer layer = (FastDenseLayer) denseLayer(FastLayers.dense(new DenseLayer.Builder().nIn(2).nOut(3)
                .activation(new FastReLU()).build()), params);
        INDArray ones = Nd4j.createFromArray(new float[][] {{1, 1, 1}});
        layer.setInput(Nd4j.createFromArray(new float[][] {{1, 2}}), NO_WORKSPACES);
        assertEquals(Nd4j.createFromArray(new float[][] {{5.5f, 0, 0}}), layer.activate(true, NO_WORKSPACES));
        assertEquals(Nd4j.createFromArray(new float[][] {{1, 2}}), layer.backpropGradient(ones, NO_WORKSPACES)
                .getSecond(), "mask [1, 0, 0] from the output");
        // Another input set after a forward pass: z = [-0.5, -4, 1], mask [0, 0, 1], dx = [-1, 0] (not [1, 2]).
        layer.activate(true, NO_WORKSPACES);
        layer.setInput(Nd4j.createFromArray(new float[][] {{-1, 0}}), NO_WORKSPACES);
        assertEquals(Nd4j.createFromArray(new float[][] {{-1, 0}}), layer.backpropGradient(ones, NO_WORKSPACES)
                .getSecond(), "the new input's mask");
    }

    @Test
    void theDenseLayerMatchesDl4jsAndFallsBackToItForMasks() {
        NativeRuntime.prepare();
        assumeTrue(NativeRuntime.fastPathEnabled(), "the fast path is off in this JVM");
        Nd4j.getRandom().setSeed(SEED);
        INDArray params = Nd4j.randn(DataType.FLOAT, 1, 64 * 24 + 24);
        Layer stock = denseLayer(dense(64, 24).build(), params.dup());
        Layer fast = denseLayer(FastLayers.dense(dense(64, 24).build()), params.dup());
        for (int n : new int[] {5, 1, 32}) {
            INDArray x = Nd4j.randn(DataType.FLOAT, n, 64);
            INDArray eps = Nd4j.randn(DataType.FLOAT, n, 24);
            INDArray mask = n == 32 ? Nd4j.ones(DataType.FLOAT, n, 1).putScalar(3, 0, 0f) : null;
            for (Layer l : List.of(stock, fast)) {
                l.setInput(x, NO_WORKSPACES);
                l.setMaskArray(mask);
            }
            assertTrue(stock.activate(true, NO_WORKSPACES).equalsWithEps(fast.activate(true, NO_WORKSPACES), 1e-5),
                    "activations, batch " + n);
            var a = stock.backpropGradient(eps, NO_WORKSPACES);
            var b = fast.backpropGradient(eps, NO_WORKSPACES);
            assertTrue(a.getSecond().equalsWithEps(b.getSecond(), 1e-5), "input gradient, batch " + n);
            for (String p : List.of("W", "b")) {
                assertTrue(a.getFirst().getGradientFor(p).equalsWithEps(b.getFirst().getGradientFor(p), 1e-5),
                        p + " gradient, batch " + n);
            }
        }
    }
}
