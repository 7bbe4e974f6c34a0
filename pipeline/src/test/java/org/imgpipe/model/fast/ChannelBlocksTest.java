package org.imgpipe.model.fast;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.imgpipe.runtime.NativeRuntime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Activations in oneDNN's channel blocks: the layout itself, and the batch norm, pooling and convolution over
 * it against the same operations over NCHW, including the shapes oneDNN refuses (NCHW copies then). The
 * helpers run on any CPU; the layers pass blocks only where oneDNN runs AVX-512.
 */
class ChannelBlocksTest {
    private static final double TOLERANCE = 1e-5;
    private static final LayerWorkspaceMgr NO_WORKSPACES = LayerWorkspaceMgr.noWorkspaces();
    private static final int[] KERNEL = {3, 3};
    private static final int[] ONES = {1, 1};
    private static final int[] ZEROS = {0, 0};

    @BeforeAll
    static void prepare() {
        NativeRuntime.prepare();
        assumeTrue(OneDnnResources.available(), "oneDNN's presets do not load here");
    }

    /** Layers configured for blocked activations use them only where oneDNN runs AVX-512. */
    private static void assumeLayersPassBlocks() {
        assumeTrue(NativeRuntime.withHelpers(true, () -> ChannelBlocks.enabled(DataType.FLOAT)), "layers pass NCHW here (no AVX-512)");
    }

    private static double relativeError(INDArray a, INDArray b) {
        double scale = Math.max(a.norm2Number().doubleValue(), b.norm2Number().doubleValue());
        return a.sub(b).norm2Number().doubleValue() / scale;
    }

    private static INDArray blocked(INDArray plain) {
        return ChannelBlocks.toBlocked(plain, NO_WORKSPACES, ArrayType.ACTIVATIONS);
    }

    @Test
    void channelCOfPixelSLiesInBlockCOverBAtSTimesBPlusCModB() {
        int b = ChannelBlocks.SIZE;
        // Two examples, 2b channels, 2x3 pixels: value 1000 n + 100 c + pixel.
        INDArray plain = Nd4j.create(DataType.FLOAT, 2, 2 * b, 2, 3);
        for (int n = 0; n < 2; n++) {
            for (int c = 0; c < 2 * b; c++) {
                for (int s = 0; s < 6; s++) {
                    plain.putScalar(new long[]{n, c, s / 3, s % 3}, 1000 * n + 100 * c + s);
                }
            }
        }
        float[] blocks = blocked(plain).data().asFloat();
        for (int n = 0; n < 2; n++) {
            for (int c = 0; c < 2 * b; c++) {
                for (int s = 0; s < 6; s++) {
                    assertEquals(1000 * n + 100 * c + s, blocks[((n * 2 + c / b) * 6 + s) * b + c % b],
                            "example " + n + ", channel " + c + ", pixel " + s);
                }
            }
        }
        assertEquals(plain, ChannelBlocks.toPlain(blocked(plain)));
        assertEquals(ChannelBlocks.tag(false), org.bytedeco.dnnl.memory.format_tag.nchw);
    }

    /** The outputs and gradients of a batch norm helper on one pass: out, dx, dGamma, dBeta, mean, var. */
    private static INDArray[] batchNorm(org.deeplearning4j.nn.layers.normalization.BatchNormalizationHelper helper,
                                        INDArray x, INDArray dy, INDArray gamma, INDArray beta, boolean training,
                                        INDArray mean, INDArray var) {
        INDArray out = helper.preOutput(x, training, gamma.shape(), gamma, beta, mean, var, 0.99, 1e-3,
                CNN2DFormat.NCHW, NO_WORKSPACES).dup();
        if (!training) {
            return new INDArray[]{out};
        }
        INDArray dGamma = Nd4j.create(DataType.FLOAT, gamma.shape());
        INDArray dBeta = Nd4j.create(DataType.FLOAT, beta.shape());
        Pair<Gradient, INDArray> gradients = helper.backpropGradient(x, dy, gamma.shape(), gamma, beta, dGamma,
                dBeta, 1e-3, CNN2DFormat.NCHW, NO_WORKSPACES);
        return new INDArray[]{out, gradients.getSecond().dup(), dGamma, dBeta,
                helper.getMeanCache(DataType.FLOAT).dup(), helper.getVarCache(DataType.FLOAT).dup()};
    }

    @ParameterizedTest(name = "oneDNN refuses the shape: {0}")
    @ValueSource(booleans = {false, true})
    void theBlockedBatchNormComputesWhatTheNchwOneComputes(boolean refused) {
        Nd4j.getRandom().setSeed(21);
        // A shape of its own per case (a refusal holds for the run); a mean far from zero tests the one-pass variance.
        long n = refused ? 2 : 3;
        INDArray x = Nd4j.randn(DataType.FLOAT, n, 32, 5, 6).muli(3).addi(100);
        INDArray dy = Nd4j.randn(DataType.FLOAT, n, 32, 5, 6);
        INDArray gamma = Nd4j.rand(DataType.FLOAT, 1, 32).addi(0.5);
        INDArray beta = Nd4j.randn(DataType.FLOAT, 1, 32);
        INDArray mean = Nd4j.randn(DataType.FLOAT, 1, 32);
        INDArray var = Nd4j.rand(DataType.FLOAT, 1, 32).addi(0.1);
        OneDnnBatchNormHelper.Shape shape = new OneDnnBatchNormHelper.Shape(n, 32, 5, 6, 1e-3f,
                NativeRuntime.threadsOfThisThread());
        if (refused) {
            OneDnnBatchNormHelper.NORMS.refuse(shape, new RuntimeException("refused by the test"));
        }
        INDArray[] expected = batchNorm(new JavaBatchNormHelper(), x, dy, gamma, beta, true, null, null);
        INDArray[] actual = batchNorm(new OneDnnBatchNormHelper(), blocked(x), blocked(dy), gamma, beta, true, null,
                null);
        assertEquals(!refused, OneDnnBatchNormHelper.NORMS.has(shape), "where it ran");
        actual[0] = ChannelBlocks.toPlain(actual[0]);
        actual[1] = ChannelBlocks.toPlain(actual[1]);
        String[] names = {"output", "input gradient", "gamma gradient", "beta gradient", "batch mean",
                "batch variance"};
        for (int i = 0; i < names.length; i++) {
            assertTrue(relativeError(expected[i], actual[i]) < TOLERANCE,
                    names[i] + ": relative error " + relativeError(expected[i], actual[i]));
        }
        INDArray inference = ChannelBlocks.toPlain(batchNorm(new OneDnnBatchNormHelper(), blocked(x), null, gamma,
                beta, false, mean, var)[0]);
        // Per channel of example 0, pixel 0: (x - mean) / sqrt(var + eps) * gamma + beta with the given statistics.
        for (int c = 0; c < 32; c++) {
            double want = (x.getDouble(0, c, 0, 0) - mean.getDouble(0, c)) / Math.sqrt(var.getDouble(0, c) + 1e-3)
                    * gamma.getDouble(0, c) + beta.getDouble(0, c);
            assertEquals(want, inference.getDouble(0, c, 0, 0), 1e-4 * Math.max(1, Math.abs(want)), "channel " + c);
        }
    }

    @Test
    void aBlockedBatchNormRefusesChannelsThatDoNotFillBlocksAndViewsByName() {
        INDArray gamma = Nd4j.ones(DataType.FLOAT, 1, 24);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new OneDnnBatchNormHelper()
                .preOutput(Nd4j.create(DataType.FLOAT, 2, 24, 3, 3), true, gamma.shape(), gamma, gamma, null, null,
                        0.99, 1e-3, CNN2DFormat.NCHW, NO_WORKSPACES));
        assertTrue(e.getMessage().contains("[2, 24, 3, 3]"), e.getMessage());
        INDArray view = Nd4j.create(DataType.FLOAT, 2, 16, 3, 3).permute(0, 1, 3, 2);
        INDArray gamma16 = Nd4j.ones(DataType.FLOAT, 1, 16);
        e = assertThrows(IllegalStateException.class, () -> new OneDnnBatchNormHelper().preOutput(view, true,
                gamma16.shape(), gamma16, gamma16, null, null, 0.99, 1e-3, CNN2DFormat.NCHW, NO_WORKSPACES));
        assertTrue(e.getMessage().contains("not dense"), e.getMessage());
    }

    /** A pooling layer as Model S configures it, blocked input and the given output. */
    private static Layer blockedPooling(boolean blockedOutput) {
        FastSubsampling layerConf = FastLayers.subsampling(new SubsamplingLayer.Builder(PoolingType.MAX)
                .kernelSize(2, 2).stride(2, 2).build());
        layerConf.setBlockedInput(true);
        layerConf.setBlockedOutput(blockedOutput);
        NeuralNetConfiguration conf = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).layer(layerConf)
                .build();
        return NativeRuntime.withHelpers(true,
                () -> conf.getLayer().instantiate(conf, List.of(), 0, null, true, DataType.FLOAT));
    }

    @ParameterizedTest(name = "blocked output {0}")
    @ValueSource(booleans = {true, false})
    void aBlockedPoolingGivesEachGradientToTheFirstMaximumOfItsWindowAsOnNchw(boolean blockedOutput) {
        assumeLayersPassBlocks();
        Nd4j.getRandom().setSeed(22);
        // Small integers: many windows hold their maximum more than once.
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 32, 6, 8).muli(3).castTo(DataType.INT).castTo(DataType.FLOAT);
        INDArray dy = Nd4j.randn(DataType.FLOAT, 2, 32, 3, 4);
        INDArray expectedOut = Nd4j.create(DataType.FLOAT, 2, 32, 3, 4);
        INDArray expectedDx = Nd4j.create(DataType.FLOAT, 2, 32, 6, 8);
        JavaMaxPool2x2.forward(x, expectedOut);
        JavaMaxPool2x2.backward(x, dy, expectedDx);
        Layer pooling = blockedPooling(blockedOutput);
        pooling.setInput(blocked(x), NO_WORKSPACES);
        INDArray out = pooling.activate(true, NO_WORKSPACES);
        assertEquals(expectedOut, blockedOutput ? ChannelBlocks.toPlain(out) : out);
        INDArray dx = pooling.backpropGradient(blockedOutput ? blocked(dy) : dy, NO_WORKSPACES).getSecond();
        assertEquals(expectedDx, ChannelBlocks.toPlain(dx));
        assertTrue(FastSubsamplingLayer.POOLINGS.has(new FastSubsamplingLayer.Shape(2, 32, 6, 8, true, blockedOutput,
                NativeRuntime.threadsOfThisThread())), "oneDNN's primitives ran");
    }

    @Test
    void aBlockedPoolingOfAShapeOneDnnRefusesRunsInJavaOnNchwCopies() {
        assumeLayersPassBlocks();
        Nd4j.getRandom().setSeed(23);
        INDArray x = Nd4j.randn(DataType.FLOAT, 1, 16, 4, 4);
        INDArray dy = Nd4j.randn(DataType.FLOAT, 1, 16, 2, 2);
        FastSubsamplingLayer.POOLINGS.refuse(new FastSubsamplingLayer.Shape(1, 16, 4, 4, true, true,
                NativeRuntime.threadsOfThisThread()), new RuntimeException("refused by the test"));
        INDArray expectedOut = Nd4j.create(DataType.FLOAT, 1, 16, 2, 2);
        INDArray expectedDx = Nd4j.create(DataType.FLOAT, 1, 16, 4, 4);
        JavaMaxPool2x2.forward(x, expectedOut);
        JavaMaxPool2x2.backward(x, dy, expectedDx);
        Layer pooling = blockedPooling(true);
        pooling.setInput(blocked(x), NO_WORKSPACES);
        assertEquals(expectedOut, ChannelBlocks.toPlain(pooling.activate(true, NO_WORKSPACES)));
        assertEquals(expectedDx, ChannelBlocks.toPlain(pooling.backpropGradient(blocked(dy), NO_WORKSPACES)
                .getSecond()));
    }

    @Test
    void aBlockedPoolingDropsAnOddLastRowAndColumnAsDl4jsDoes() {
        assumeLayersPassBlocks();
        Nd4j.getRandom().setSeed(25);
        INDArray x = Nd4j.randn(DataType.FLOAT, 2, 16, 7, 5);
        INDArray dy = Nd4j.randn(DataType.FLOAT, 2, 16, 3, 2);
        SubsamplingLayer stockConf = new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                .convolutionMode(ConvolutionMode.Truncate).build();
        NeuralNetConfiguration conf = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).layer(stockConf)
                .build();
        Layer stock = NativeRuntime.withHelpers(false,
                () -> conf.getLayer().instantiate(conf, List.of(), 0, null, true, DataType.FLOAT));
        stock.setInput(x, NO_WORKSPACES);
        Layer pooling = blockedPooling(false);
        pooling.setInput(blocked(x), NO_WORKSPACES);
        assertEquals(stock.activate(true, NO_WORKSPACES), pooling.activate(true, NO_WORKSPACES));
        assertEquals(stock.backpropGradient(dy, NO_WORKSPACES).getSecond(),
                ChannelBlocks.toPlain(pooling.backpropGradient(dy, NO_WORKSPACES).getSecond()));
        pooling.setInput(Nd4j.create(DataType.FLOAT, 1, 16, 1, 4), NO_WORKSPACES);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> pooling.activate(true, NO_WORKSPACES));
        assertTrue(e.getMessage().contains("[1, 16, 1, 4]"), e.getMessage());
    }

    @Test
    void layersOnBlockedActivationsRefuseDl4jsFallbackByName() {
        assumeLayersPassBlocks();
        FastBatchNormalization norm = FastLayers.batchNormalization(new BatchNormalization.Builder().nOut(16)
                .build());
        norm.setLayerName("bn_x");
        norm.setBlocked(true);
        FastConvolution conv = FastLayers.convolution(new ConvolutionLayer.Builder(3, 3).nIn(16).nOut(16).build());
        conv.setLayerName("conv_x");
        conv.setBlockedOutput(true);
        assertRefusedWithItsFallback(norm);
        norm.setCudnnAllowFallback(false);
        assertTrue(instantiate(norm) instanceof FastBatchNormalizationLayer, "accepted without the fallback");
        assertRefusedWithItsFallback(conv);
        conv.setCudnnAllowFallback(false);
        assertTrue(instantiate(conv) instanceof FastConvolutionLayer, "accepted without the fallback");
    }

    private static void assertRefusedWithItsFallback(org.deeplearning4j.nn.conf.layers.Layer layerConf) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> instantiate(layerConf));
        assertTrue(e.getMessage().contains(layerConf.getLayerName()) && e.getMessage().contains("cudnnAllowFallback"),
                e.getMessage());
    }

    /** The layer a configuration creates with the fast path on, its parameters initialized. */
    private static Layer instantiate(org.deeplearning4j.nn.conf.layers.Layer layerConf) {
        NeuralNetConfiguration conf = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).layer(layerConf)
                .build();
        INDArray params = Nd4j.create(DataType.FLOAT, 1, layerConf.initializer().numParams(conf));
        return NativeRuntime.withHelpers(true, () -> conf.getLayer().instantiate(conf, List.of(), 0, params, true,
                DataType.FLOAT));
    }

    /** Pre-activations, then the kernel, bias and input gradients of one pass of a 16 -> 32 channel convolution. */
    private static INDArray[] convolution(OneDnnConvolutionHelper helper, INDArray x, INDArray w, INDArray b,
                                          INDArray delta) {
        INDArray z = helper.preOutput(x, w, b, KERNEL, ONES, ZEROS, null, null, ConvolutionMode.Truncate, ONES,
                CNN2DFormat.NCHW, NO_WORKSPACES).dup();
        INDArray kernelGrad = Nd4j.create(DataType.FLOAT, w.shape());
        INDArray biasGrad = Nd4j.create(DataType.FLOAT, 1, w.size(0));
        INDArray inputGrad = helper.backpropGradient(x, w, b, delta, KERNEL, ONES, ZEROS, biasGrad, kernelGrad, null,
                null, null, null, ConvolutionMode.Truncate, ONES, CNN2DFormat.NCHW, NO_WORKSPACES).getSecond().dup();
        return new INDArray[]{z, kernelGrad, biasGrad, inputGrad};
    }

    @Test
    void aBlockedConvolutionComputesWhatTheNchwOneComputesAlsoThroughItsFallback() {
        Nd4j.getRandom().setSeed(24);
        INDArray x = Nd4j.randn(DataType.FLOAT, 2, 16, 7, 7);
        INDArray w = Nd4j.randn(DataType.FLOAT, 32, 16, 3, 3).muli(0.1);
        INDArray b = Nd4j.randn(DataType.FLOAT, 1, 32);
        INDArray delta = Nd4j.randn(DataType.FLOAT, 2, 32, 5, 5);
        OneDnnConvolutionHelper nchw = new OneDnnConvolutionHelper(null, true, false, false);
        OneDnnConvolutionHelper blockedHelper = new OneDnnConvolutionHelper(nchw, true, true, true);
        INDArray[] expected = convolution(nchw, x, w, b, delta);
        String[] names = {"pre-activations", "kernel gradient", "bias gradient", "input gradient"};
        OneDnnConvolutionHelper.Shape shape = new OneDnnConvolutionHelper.Shape(2, 16, 7, 7, 32, 3, 3, true, true,
                NativeRuntime.threadsOfThisThread());
        for (boolean refused : new boolean[]{false, true}) {
            if (refused) {
                OneDnnConvolutionHelper.CONVOLUTIONS.refuse(shape, new RuntimeException("refused by the test"));
            }
            INDArray[] actual = convolution(blockedHelper, blocked(x), w, b, blocked(delta));
            assertEquals(!refused, OneDnnConvolutionHelper.CONVOLUTIONS.has(shape), "where it ran");
            actual[0] = ChannelBlocks.toPlain(actual[0]);
            actual[3] = ChannelBlocks.toPlain(actual[3]);
            for (int i = 0; i < names.length; i++) {
                assertTrue(relativeError(expected[i], actual[i]) < TOLERANCE,
                        names[i] + ", refused " + refused + ": relative error " + relativeError(expected[i], actual[i]));
            }
        }
        OneDnnConvolutionHelper withoutFallback = new OneDnnConvolutionHelper(null, true, true, true);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> convolution(withoutFallback,
                blocked(x), w, b, blocked(delta)));
        assertTrue(e.getMessage().contains(FastConvolutionLayer.CONVOLUTION_PROPERTY + "=libnd4j"), e.getMessage());
    }
}
