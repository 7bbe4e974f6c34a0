package org.imgpipe.runtime;

import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.imgpipe.model.ModelS;
import org.imgpipe.model.ShippedModel;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.imgpipe.model.fast.ElasticNetRegularization;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.imgpipe.model.fast.FastBatchNormalization;
import org.imgpipe.model.fast.FastBatchNormalizationLayer;
import org.imgpipe.model.fast.FastConvolution;
import org.imgpipe.model.fast.FastSubsampling;
import org.imgpipe.model.fast.FastConvolutionLayer;
import org.imgpipe.model.fast.FastDenseLayer;
import org.imgpipe.model.fast.FastSubsamplingLayer;
import org.imgpipe.model.fast.FastReLU;
import org.imgpipe.model.fast.FastRmsProp;
import org.nd4j.linalg.dataset.DataSet;
import org.deeplearning4j.util.ModelSerializer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The fast path (convolutions, batch norms and pooling on oneDNN primitives over channel-blocked
 * activations, or on NCHW with this library's Java batch norm, and its ReLU, penalties and RMSProp) against the stock DL4J layers on the same parameters and inputs:
 * outputs, loss, every parameter's gradient and the parameters after training steps.
 */
class FastPathTest {
    private static final ModelS.Spec SPEC = ModelS.Spec.reference();
    private static final double TOLERANCE = 1e-4;
    private static ComputationGraph stock;
    private static ComputationGraph fast;
    private static INDArray features;
    private static INDArray labels;

    @BeforeAll
    static void build() {
        NativeRuntime.prepare();
        // The fast path needs an -onednn nd4j-native build; elsewhere DL4J's stock layers run and
        // there is nothing to compare.
        assumeTrue(NativeRuntime.helpersActive(), "oneDNN helpers are off: no -onednn nd4j-native build loaded");
        stock = NativeRuntime.withHelpers(false, () -> ModelS.build(SPEC));
        fast = NativeRuntime.withHelpers(true, () -> ModelS.build(SPEC));
        fast.setParams(stock.params().dup());
        Nd4j.getRandom().setSeed(11);
        features = Nd4j.rand(DataType.FLOAT, 16, 3, 32, 32).muli(255);
        labels = Nd4j.zeros(DataType.FLOAT, 16, 10);
        for (int i = 0; i < 16; i++) {
            labels.putScalar(i, i % 10, 1f);
        }
    }

    private static double relativeError(INDArray a, INDArray b) {
        double scale = Math.max(a.norm2Number().doubleValue(), b.norm2Number().doubleValue());
        return scale == 0 ? 0 : a.sub(b).norm2Number().doubleValue() / scale;
    }

    @Test
    void theFastPathIsActive() {
        assertEquals("OneDnnConvolutionHelper", ((ConvolutionLayer) fast.getLayer("conv2d_2")).getHelper().getClass()
                .getSimpleName());
        // Blocked activations where oneDNN runs AVX-512.
        assertEquals(NativeRuntime.oneDnnUsesAvx512() ? "OneDnnBatchNormHelper" : "JavaBatchNormHelper",
                ((BatchNormalization) fast.getLayer("bn_2")).getHelper().getClass().getSimpleName());
        assertInstanceOf(FastSubsamplingLayer.class, fast.getLayer("pool_1"));
        assertInstanceOf(FastDenseLayer.class, fast.getLayer(ModelS.PENULTIMATE));
        assertNull(((BatchNormalization) stock.getLayer("bn_2")).getHelper());
        assertNull(((ConvolutionLayer) stock.getLayer("conv2d_2")).getHelper());
        assertEquals(stock.numParams(), fast.numParams());
    }

    @Test
    void inferenceOutputsMatchTheStockLayers() {
        INDArray a = stock.output(false, features)[0];
        INDArray b = fast.output(false, features)[0];
        assertTrue(relativeError(a, b) < TOLERANCE, "relative error " + relativeError(a, b));
    }

    @Test
    void lossAndEveryGradientMatchTheStockLayers() {
        Gradient a = gradient(stock);
        double scoreA = stock.score();
        Gradient b = gradient(fast);
        assertEquals(scoreA, fast.score(), Math.abs(scoreA) * TOLERANCE);
        Map<String, INDArray> ga = a.gradientForVariable();
        Map<String, INDArray> gb = b.gradientForVariable();
        assertEquals(ga.keySet(), gb.keySet());
        Set<String> checked = new java.util.TreeSet<>();
        for (String key : ga.keySet()) {
            double err = relativeError(ga.get(key), gb.get(key));
            assertTrue(err < TOLERANCE, key + ": relative error " + err);
            checked.add(key);
        }
        assertTrue(checked.containsAll(Set.of("conv2d_1_W", "conv2d_4_b", "bn_3_gamma", "bn_3_beta", "dense_W",
                "predictions_W")), checked.toString());
    }

    @Test
    void withNchwActivationsAndJavaMaxPoolingTheLossAndEveryGradientMatchTheStockLayers() {
        System.setProperty(FastSubsamplingLayer.MAX_POOLING_PROPERTY, "java");
        ComputationGraph javaPooling;
        try {
            javaPooling = NativeRuntime.withHelpers(true, () -> nchw(ModelS.configuration(SPEC)));
        } finally {
            System.clearProperty(FastSubsamplingLayer.MAX_POOLING_PROPERTY);
        }
        assertEquals("JavaBatchNormHelper", ((BatchNormalization) javaPooling.getLayer("bn_2")).getHelper().getClass()
                .getSimpleName());
        javaPooling.setParams(stock.params().dup());
        assertGradientsAndOutputsMatchStock(javaPooling);
    }

    /** Model S as configured before its activations stayed in channel blocks: NCHW between every layer. */
    private static ComputationGraph nchw(ComputationGraphConfiguration conf) {
        for (GraphVertex vertex : conf.getVertices().values()) {
            if (vertex instanceof LayerVertex layerVertex) {
                Layer layer = layerVertex.getLayerConf().getLayer();
                if (layer instanceof FastConvolution c) {
                    c.setBlockedInput(false);
                    c.setBlockedOutput(false);
                } else if (layer instanceof FastBatchNormalization b) {
                    b.setBlocked(false);
                } else if (layer instanceof FastSubsampling p) {
                    p.setBlockedInput(false);
                    p.setBlockedOutput(false);
                }
            }
        }
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        return graph;
    }

    @Test
    void withLibnd4jConvolutionsTheLossAndEveryGradientMatchTheStockLayers() {
        ComputationGraph libnd4j = buildWith(FastConvolutionLayer.CONVOLUTION_PROPERTY, "libnd4j");
        assertInstanceOf(MKLDNNConvHelper.class, ((ConvolutionLayer) libnd4j.getLayer("conv2d_2")).getHelper());
        assertGradientsAndOutputsMatchStock(libnd4j);
    }

    /** A fast model built with a system property set, with the stock model's parameters. */
    private static ComputationGraph buildWith(String property, String value) {
        System.setProperty(property, value);
        ComputationGraph model;
        try {
            model = NativeRuntime.withHelpers(true, () -> ModelS.build(SPEC));
        } finally {
            System.clearProperty(property);
        }
        model.setParams(stock.params().dup());
        return model;
    }

    private static void assertGradientsAndOutputsMatchStock(ComputationGraph model) {
        Gradient a = gradient(stock);
        double scoreA = stock.score();
        Gradient b = gradient(model);
        assertEquals(scoreA, model.score(), Math.abs(scoreA) * TOLERANCE);
        for (String key : a.gradientForVariable().keySet()) {
            double err = relativeError(a.gradientForVariable().get(key), b.gradientForVariable().get(key));
            assertTrue(err < TOLERANCE, key + ": relative error " + err);
        }
        assertTrue(relativeError(stock.output(false, features)[0], model.output(false, features)[0]) < TOLERANCE);
    }

    /**
     * A training step from the same parameters: covers the Java RMSProp, penalties and ReLU, which only
     * show in the parameters' change. (After a second step the two paths differ by ~1% on these 16
     * images, as they did before those three were added; the cause is not known. FastOpsTest checks
     * the three against DL4J's over several steps.)
     */
    @Test
    void aTrainingStepChangesTheParametersAsTheStockLayersDo() {
        ComputationGraph stockModel = NativeRuntime.withHelpers(false, () -> ModelS.build(SPEC));
        ComputationGraph fastModel = NativeRuntime.withHelpers(true, () -> ModelS.build(SPEC));
        INDArray start = stockModel.params().dup();
        fastModel.setParams(start.dup());
        for (ComputationGraph g : List.of(stockModel, fastModel)) {
            Nd4j.getRandom().setSeed(5);
            g.fit(new DataSet(features, labels));
        }
        INDArray stockChange = stockModel.params().sub(start);
        INDArray fastChange = fastModel.params().sub(start);
        assertTrue(stockChange.norm2Number().doubleValue() > 0);
        double err = relativeError(stockChange, fastChange);
        assertTrue(err < TOLERANCE, "relative error of the parameter changes " + err);
        assertEquals(stockModel.score(), fastModel.score(), Math.abs(stockModel.score()) * TOLERANCE);
    }

    @Test
    void aSavedModelLoadsBackWithTheFastLayersAndTheSameOutputs() throws Exception {
        ByteArrayOutputStream saved = new ByteArrayOutputStream();
        ModelSerializer.writeModel(fast, saved, false);
        assertSameFastModel(ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(saved.toByteArray()),
                false));
    }

    @Test
    void aShippedModelRestoresWithTheFastLayersAndTheSameOutputs() throws Exception {
        ShippedModel shipped = ShippedModel.of(fast);
        ComputationGraph restored = deserialize(serialize(shipped)).restore();
        assertSameFastModel(restored);
        assertEquals(fast.params(), restored.params(), "parameters and batch-norm statistics, exactly");
    }

    private static byte[] serialize(Object o) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ObjectOutputStream objects = new ObjectOutputStream(out)) {
            objects.writeObject(o);
        }
        return out.toByteArray();
    }

    private static ShippedModel deserialize(byte[] bytes) throws Exception {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return (ShippedModel) in.readObject();
        }
    }

    private static void assertSameFastModel(ComputationGraph loaded) {
        assertInstanceOf(FastBatchNormalizationLayer.class, loaded.getLayer("bn_1"));
        assertInstanceOf(FastSubsamplingLayer.class, loaded.getLayer("pool_2"));
        assertInstanceOf(FastDenseLayer.class, loaded.getLayer(ModelS.PENULTIMATE));
        assertInstanceOf(FastConvolutionLayer.class, loaded.getLayer("conv2d_1"));
        assertEquals("OneDnnConvolutionHelper", ((ConvolutionLayer) loaded.getLayer("conv2d_1")).getHelper().getClass()
                .getSimpleName());
        BaseLayer dense = (BaseLayer) loaded.getLayer(ModelS.PENULTIMATE).conf().getLayer();
        assertInstanceOf(FastReLU.class, dense.getActivationFn());
        assertEquals(List.of(new ElasticNetRegularization(1e-3, 2e-2)), dense.getRegularization());
        assertInstanceOf(FastRmsProp.class, dense.getIUpdater());
        INDArray a = fast.output(false, features)[0];
        INDArray b = loaded.output(false, features)[0];
        assertEquals(0, relativeError(a, b), 1e-7);
    }

    /** Loss and gradients of one training-mode pass with the same dropout mask for both graphs. */
    private static Gradient gradient(ComputationGraph g) {
        Nd4j.getRandom().setSeed(5);
        g.setInputs(features);
        g.setLabels(labels);
        g.computeGradientAndScore();
        Gradient grad = g.gradient();
        grad.gradientForVariable().replaceAll((k, v) -> v.dup());
        return grad;
    }
}
