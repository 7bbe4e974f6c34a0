package org.imgpipe.model.fast;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionHelper;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.imgpipe.runtime.NativeRuntime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.lang.reflect.Proxy;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The oneDNN convolution against DL4J's own (im2col) convolution on the same numbers: a layer of odd sizes
 * (5 to 7 channels, 9x11 images) whose parameters and gradients are views at an offset, as inside a network.
 */
class OneDnnConvolutionTest {
    private static final double TOLERANCE = 1e-5;
    private static final LayerWorkspaceMgr NO_WORKSPACES = LayerWorkspaceMgr.noWorkspaces();

    @BeforeAll
    static void prepare() {
        NativeRuntime.prepare();
        assumeTrue(OneDnnResources.available(), "oneDNN's presets do not load here");
    }

    private static double relativeError(INDArray a, INDArray b) {
        double scale = Math.max(a.norm2Number().doubleValue(), b.norm2Number().doubleValue());
        return a.sub(b).norm2Number().doubleValue() / scale;
    }

    /** A convolution layer, 5 -> 7 channels, 3x3, parameters a view at offset 3 of a longer vector. */
    private static Layer layer(boolean fast, INDArray parameters, Activation activation) {
        return layer(fast, parameters, activation, true);
    }

    /** As {@link #layer(boolean, INDArray, Activation)}, the fast one with or without its input gradient. */
    private static Layer layer(boolean fast, INDArray parameters, Activation activation, boolean inputGradientNeeded) {
        ConvolutionLayer stock = new ConvolutionLayer.Builder(3, 3).nIn(5).nOut(7).activation(activation)
                .convolutionMode(ConvolutionMode.Truncate).build();
        FastConvolution fastConf = FastLayers.convolution(stock);
        fastConf.setInputGradientNeeded(inputGradientNeeded);
        NeuralNetConfiguration conf = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT)
                .layer(fast ? fastConf : stock).build();
        INDArray view = parameters.get(NDArrayIndex.point(0), NDArrayIndex.interval(3, 3 + 7 * 5 * 9 + 7))
                .reshape(1, 7 * 5 * 9 + 7);
        Layer layer = NativeRuntime.withHelpers(fast, () -> conf.getLayer().instantiate(conf, List.of(), 0, view,
                false, DataType.FLOAT));
        INDArray gradients = Nd4j.zeros(DataType.FLOAT, 1, 7 * 5 * 9 + 7 + 5);
        layer.setBackpropGradientsViewArray(gradients.get(NDArrayIndex.point(0), NDArrayIndex.interval(5,
                5 + 7 * 5 * 9 + 7)).reshape(1, 7 * 5 * 9 + 7));
        return layer;
    }

    @Test
    void aLayerComputesWhatDl4jsOwnConvolutionComputes() {
        Nd4j.getRandom().setSeed(3);
        INDArray parameters = Nd4j.rand(DataType.FLOAT, 1, 7 * 5 * 9 + 7 + 3).subi(0.5);
        Layer stock = layer(false, parameters, Activation.RELU);
        Layer fast = layer(true, parameters, Activation.RELU);
        assertNull(((org.deeplearning4j.nn.layers.convolution.ConvolutionLayer) stock).getHelper());
        assertInstanceOf(OneDnnConvolutionHelper.class,
                ((org.deeplearning4j.nn.layers.convolution.ConvolutionLayer) fast).getHelper());
        INDArray input = Nd4j.rand(DataType.FLOAT, 4, 5, 9, 11).subi(0.5);
        INDArray epsilon = Nd4j.rand(DataType.FLOAT, 4, 7, 7, 9).subi(0.5);
        Pair<Gradient, INDArray> expected = step(stock, input, epsilon);
        Pair<Gradient, INDArray> actual = step(fast, input, epsilon);
        assertTrue(OneDnnConvolutionHelper.CONVOLUTIONS.has(new OneDnnConvolutionHelper.Shape(4, 5, 9, 11, 7, 3, 3,
                false, false, NativeRuntime.threadsOfThisThread())), "the oneDNN primitives ran");
        assertTrue(relativeError(stock.activate(false, NO_WORKSPACES), fast.activate(false, NO_WORKSPACES))
                < TOLERANCE);
        for (String key : List.of("W", "b")) {
            INDArray e = expected.getFirst().getGradientFor(key);
            INDArray a = actual.getFirst().getGradientFor(key);
            assertArrayEquals(e.shape(), a.shape(), key);
            assertTrue(relativeError(e, a) < TOLERANCE, key + ": relative error " + relativeError(e, a));
        }
        assertTrue(relativeError(expected.getSecond(), actual.getSecond()) < TOLERANCE, "input gradient");
    }

    private static Pair<Gradient, INDArray> step(Layer layer, INDArray input, INDArray epsilon) {
        layer.setInput(input, NO_WORKSPACES);
        layer.activate(true, NO_WORKSPACES);
        Pair<Gradient, INDArray> result = layer.backpropGradient(epsilon, NO_WORKSPACES);
        return new Pair<>(result.getFirst(), result.getSecond().dup());
    }

    @Test
    void aLayerMadeWithoutItsInputGradientGivesZerosThereAndTheSameParameterGradients() {
        Nd4j.getRandom().setSeed(7);
        INDArray parameters = Nd4j.rand(DataType.FLOAT, 1, 7 * 5 * 9 + 7 + 3).subi(0.5);
        INDArray input = Nd4j.rand(DataType.FLOAT, 2, 5, 8, 8).subi(0.5);
        INDArray epsilon = Nd4j.rand(DataType.FLOAT, 2, 7, 6, 6).subi(0.5);
        Pair<Gradient, INDArray> expected = step(layer(false, parameters, Activation.RELU), input, epsilon);
        Pair<Gradient, INDArray> actual = step(layer(true, parameters, Activation.RELU, false), input, epsilon);
        for (String key : List.of("W", "b")) {
            assertTrue(relativeError(expected.getFirst().getGradientFor(key), actual.getFirst().getGradientFor(key))
                    < TOLERANCE, key);
        }
        assertEquals(Nd4j.zeros(DataType.FLOAT, input.shape()), actual.getSecond());
        assertTrue(expected.getSecond().norm2Number().doubleValue() > 0, "the stock layer's input gradient is not zeros");
    }

    @ParameterizedTest(name = "input gradient {0}")
    @ValueSource(booleans = {true, false})
    void bothPassesRunOnOneDnnWithoutTouchingTheFallback(boolean inputGradient) {
        Nd4j.getRandom().setSeed(4);
        INDArray parameters = Nd4j.rand(DataType.FLOAT, 1, 7 * 5 * 9 + 7 + 3).subi(0.5);
        Layer stock = layer(false, parameters, Activation.IDENTITY);
        INDArray input = Nd4j.rand(DataType.FLOAT, 3, 5, 8, 8).subi(0.5);
        INDArray delta = Nd4j.rand(DataType.FLOAT, 3, 7, 6, 6).subi(0.5);
        Pair<Gradient, INDArray> expected = step(stock, input, delta);
        INDArray expectedZ = stock.activate(false, NO_WORKSPACES);
        ConvolutionHelper failing = (ConvolutionHelper) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[]{ConvolutionHelper.class}, (proxy, method, args) -> {
                    throw new AssertionError("the fallback ran " + method.getName());
                });
        OneDnnConvolutionHelper helper = new OneDnnConvolutionHelper(failing, inputGradient, false, false);
        INDArray w = stock.getParam("W");
        INDArray b = stock.getParam("b");
        int[] k = {3, 3};
        int[] one = {1, 1};
        int[] zero = {0, 0};
        INDArray z = helper.preOutput(input, w, b, k, one, zero, null, null, ConvolutionMode.Truncate, one,
                CNN2DFormat.NCHW, NO_WORKSPACES);
        assertTrue(relativeError(expectedZ, z) < TOLERANCE, "pre-activations");
        INDArray weightGrad = Nd4j.create(DataType.FLOAT, 7, 5, 3, 3);
        INDArray biasGrad = Nd4j.create(DataType.FLOAT, 1, 7);
        Pair<Gradient, INDArray> actual = helper.backpropGradient(input, w, b, delta, k, one, zero, biasGrad,
                weightGrad, null, null, null, null, ConvolutionMode.Truncate, one, CNN2DFormat.NCHW, NO_WORKSPACES);
        assertTrue(relativeError(expected.getFirst().getGradientFor("W"), weightGrad) < TOLERANCE, "W");
        assertTrue(relativeError(expected.getFirst().getGradientFor("b"), biasGrad) < TOLERANCE, "b");
        if (inputGradient) {
            assertTrue(relativeError(expected.getSecond(), actual.getSecond()) < TOLERANCE, "input gradient");
        } else {
            assertEquals(Nd4j.zeros(DataType.FLOAT, input.shape()), actual.getSecond(), "input gradient skipped");
        }
    }

    @Test
    void aBackwardPassAfterAnotherInputsForwardPassUsesItsOwnInput() {
        Nd4j.getRandom().setSeed(5);
        INDArray kernel = Nd4j.rand(DataType.FLOAT, 4, 3, 3, 3).subi(0.5);
        INDArray bias = Nd4j.rand(DataType.FLOAT, 1, 4);
        INDArray a = Nd4j.rand(DataType.FLOAT, 2, 3, 6, 6);
        INDArray b = Nd4j.rand(DataType.FLOAT, 2, 3, 6, 6);
        INDArray delta = Nd4j.rand(DataType.FLOAT, 2, 4, 4, 4);
        INDArray out = Nd4j.create(DataType.FLOAT, 2, 4, 4, 4);
        try (OneDnnConvolution convolution = new OneDnnConvolution(2, 3, 6, 6, 4, 3, 3, false, false)) {
            INDArray[] alone = backward(convolution, a, kernel, delta);
            convolution.forward(a, kernel, bias, out);
            convolution.forward(b, kernel, bias, out);
            INDArray[] after = backward(convolution, a, kernel, delta);
            for (int i = 0; i < alone.length; i++) {
                assertEquals(alone[i], after[i]);
            }
            convolution.forward(b, kernel, bias, out);
            assertTrue(relativeError(alone[0], backward(convolution, b, kernel, delta)[0]) > 0.01,
                    "b's kernel gradient is another");
        }
    }

    @Test
    void poolingsBackwardPassAfterAnotherInputsForwardPassUsesItsOwnInput() {
        Nd4j.getRandom().setSeed(6);
        INDArray a = Nd4j.rand(DataType.FLOAT, 2, 3, 6, 8);
        INDArray b = Nd4j.rand(DataType.FLOAT, 2, 3, 6, 8);
        INDArray delta = Nd4j.rand(DataType.FLOAT, 2, 3, 3, 4);
        INDArray out = Nd4j.create(DataType.FLOAT, 2, 3, 3, 4);
        INDArray alone = Nd4j.create(DataType.FLOAT, 2, 3, 6, 8);
        INDArray after = Nd4j.create(DataType.FLOAT, 2, 3, 6, 8);
        OneDnnMaxPooling pooling = new OneDnnMaxPooling(2, 3, 6, 8, false, false);
        pooling.forward(a, out);
        pooling.backward(a, delta, alone);
        pooling.forward(b, out);
        pooling.backward(a, delta, after);
        assertEquals(alone, after);
        assertEquals(delta.sumNumber().doubleValue(), after.sumNumber().doubleValue(), 1e-5, "each delta placed once");
        pooling.close();
        assertEquals("this oneDNN pooling was closed",
                assertThrows(IllegalStateException.class, () -> pooling.forward(a, out)).getMessage());
    }

    /** The kernel, bias and input gradients. */
    private static INDArray[] backward(OneDnnConvolution convolution, INDArray input, INDArray kernel,
                                       INDArray delta) {
        INDArray[] g = {Nd4j.create(DataType.FLOAT, kernel.shape()), Nd4j.create(DataType.FLOAT, 1, kernel.size(0)),
                Nd4j.create(DataType.FLOAT, input.shape())};
        convolution.backward(input, kernel, delta, g[0], g[1], g[2]);
        return g;
    }

    @Test
    void theConvolutionAlgorithmIsWinogradUnlessDirectIsAskedForAndOthersAreRefusedByName() {
        assertTrue(FastConvolutionLayer.winogradChosen());
        try {
            System.setProperty(FastConvolutionLayer.ALGORITHM_PROPERTY, "direct");
            assertFalse(FastConvolutionLayer.winogradChosen());
            System.setProperty(FastConvolutionLayer.ALGORITHM_PROPERTY, "fft");
            assertEquals("imgpipe.convolution-algorithm must be winograd or direct, not 'fft'",
                    assertThrows(IllegalArgumentException.class, FastConvolutionLayer::winogradChosen).getMessage());
        } finally {
            System.clearProperty(FastConvolutionLayer.ALGORITHM_PROPERTY);
        }
    }

    @Test
    void otherStridesPaddingsAndLayoutsGoToTheFallback() {
        OneDnnConvolutionHelper helper = new OneDnnConvolutionHelper(null, true, false, false);
        INDArray input = Nd4j.rand(DataType.FLOAT, 1, 2, 8, 8);
        INDArray kernel = Nd4j.rand(DataType.FLOAT, 3, 2, 3, 3);
        INDArray bias = Nd4j.rand(DataType.FLOAT, 1, 3);
        int[] k = {3, 3};
        int[] one = {1, 1};
        int[] zero = {0, 0};
        assertNull(helper.preOutput(input, kernel, bias, k, new int[]{2, 2}, zero, null, null,
                ConvolutionMode.Truncate, one, CNN2DFormat.NCHW, NO_WORKSPACES));
        assertNull(helper.preOutput(input, kernel, bias, k, one, one, null, null, ConvolutionMode.Truncate, one,
                CNN2DFormat.NCHW, NO_WORKSPACES));
        assertNull(helper.preOutput(input.permute(0, 2, 3, 1).dup(), kernel, bias, k, one, zero, null, null,
                ConvolutionMode.Truncate, one, CNN2DFormat.NHWC, NO_WORKSPACES));
        assertNull(helper.preOutput(input.castTo(DataType.DOUBLE), kernel.castTo(DataType.DOUBLE),
                bias.castTo(DataType.DOUBLE), k, one, zero, null, null, ConvolutionMode.Truncate, one,
                CNN2DFormat.NCHW, NO_WORKSPACES));
        assertArrayEquals(new long[]{1, 3, 6, 6}, helper.preOutput(input, kernel, bias, k, one, zero, null, null,
                ConvolutionMode.Truncate, one, CNN2DFormat.NCHW, NO_WORKSPACES).shape());
    }
}
