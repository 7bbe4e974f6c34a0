package org.imgpipe.model;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.imgpipe.config.ModelOptions.Regularizer;
import org.imgpipe.config.PipelineConfig;
import org.imgpipe.model.fast.FastBatchNormalization;
import org.imgpipe.model.fast.FastConvolution;
import org.imgpipe.model.fast.FastSubsampling;
import org.imgpipe.runtime.NativeRuntime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelSTest {
    private static ComputationGraph graph;
    private static ModelSummary summary;

    @BeforeAll
    static void build() {
        graph = ModelS.build(ModelS.Spec.reference());
        summary = ModelSummary.of(graph, ModelS.inputType(32));
    }

    @Test
    void onlyTheFirstConvolutionSkipsItsInputGradientAlsoAfterTheJsonRoundTrip() {
        String json = graph.getConfiguration().toJson();
        assertTrue(json.contains("\"inputGradientNeeded\" : false"), "the setting is saved");
        ComputationGraphConfiguration restored = ComputationGraphConfiguration.fromJson(json);
        for (String name : new String[]{"conv2d_1", "conv2d_2", "conv2d_3", "conv2d_4"}) {
            FastConvolution conv = (FastConvolution) ((LayerVertex) restored.getVertices().get(name))
                    .getLayerConf().getLayer();
            assertEquals(!name.equals("conv2d_1"), conv.isInputGradientNeeded(), name);
        }
        FastConvolution first = (FastConvolution) ((LayerVertex) restored.getVertices().get("conv2d_1"))
                .getLayerConf().getLayer();
        FastConvolution copy = (FastConvolution) first.clone();
        assertEquals(first, copy);
        copy.setInputGradientNeeded(true);
        assertNotEquals(first, copy, "configurations that differ in the setting differ");
        // A model saved before the setting existed computes every input gradient, as it did.
        String olderJson = json.replaceAll("\"inputGradientNeeded\"\\s*:\\s*(true|false)\\s*,?", "");
        assertFalse(olderJson.contains("inputGradientNeeded"), "the setting removed");
        ComputationGraphConfiguration older = ComputationGraphConfiguration.fromJson(olderJson);
        assertTrue(((FastConvolution) ((LayerVertex) older.getVertices().get("conv2d_1")).getLayerConf().getLayer())
                .isInputGradientNeeded());
    }

    @Test
    void activationsStayInChannelBlocksFromTheFirstConvolutionToTheLastPoolingAlsoAfterTheJsonRoundTrip() {
        String json = graph.getConfiguration().toJson();
        ComputationGraphConfiguration restored = ComputationGraphConfiguration.fromJson(json);
        // name, blocked input, blocked output
        Object[][] expected = {
                {"conv2d_1", false, true}, {"bn_1", true, true}, {"conv2d_2", true, true}, {"bn_2", true, true},
                {"pool_1", true, true}, {"conv2d_3", true, true}, {"bn_3", true, true}, {"conv2d_4", true, true},
                {"bn_4", true, true}, {"pool_2", true, false}};
        for (Object[] row : expected) {
            Layer layer = ((LayerVertex) restored.getVertices().get((String) row[0])).getLayerConf().getLayer();
            assertArrayEquals(new boolean[]{(Boolean) row[1], (Boolean) row[2]}, layout(layer), (String) row[0]);
        }
        FastBatchNormalization bn = (FastBatchNormalization) ((LayerVertex) restored.getVertices().get("bn_1"))
                .getLayerConf().getLayer();
        FastBatchNormalization bnCopy = (FastBatchNormalization) bn.clone();
        assertEquals(bn, bnCopy);
        bnCopy.setBlocked(false);
        assertNotEquals(bn, bnCopy, "batch norms that differ in the layout differ");
        FastSubsampling pool = (FastSubsampling) ((LayerVertex) restored.getVertices().get("pool_2")).getLayerConf()
                .getLayer();
        FastSubsampling poolCopy = (FastSubsampling) pool.clone();
        assertEquals(pool, poolCopy);
        poolCopy.setBlockedOutput(true);
        assertNotEquals(pool, poolCopy, "poolings that differ in the layout differ");
        // A model saved before the settings existed passes NCHW between every layer, as it did.
        String olderJson = json.replaceAll("\"blocked(Input|Output)?\"\\s*:\\s*(true|false)\\s*,?", "");
        assertFalse(olderJson.contains("\"blocked"), "the settings removed");
        ComputationGraphConfiguration older = ComputationGraphConfiguration.fromJson(olderJson);
        for (GraphVertex vertex : older.getVertices().values()) {
            if (vertex instanceof LayerVertex layerVertex) {
                Layer layer = layerVertex.getLayerConf().getLayer();
                assertArrayEquals(new boolean[]{false, false}, layout(layer), layer.getLayerName());
            }
        }
    }

    /** Whether a layer's input and output are blocked (false, false for layers without the settings). */
    private static boolean[] layout(Layer layer) {
        if (layer instanceof FastConvolution c) {
            return new boolean[]{c.isBlockedInput(), c.isBlockedOutput()};
        }
        if (layer instanceof FastBatchNormalization b) {
            return new boolean[]{b.isBlocked(), b.isBlocked()};
        }
        if (layer instanceof FastSubsampling p) {
            return new boolean[]{p.isBlockedInput(), p.isBlockedOutput()};
        }
        return new boolean[]{false, false};
    }

    @Test
    void hasTheReferenceParameterCount() {
        assertEquals(1_886_282, graph.numParams());
        assertEquals(1_886_282, summary.totalParams());
        assertEquals(704, summary.nonTrainableParams());
    }

    @Test
    void everyLayerHasTheKerasOutputShape() {
        Object[][] expected = {
                {"rescaling", new long[]{32, 32, 3}, 0L},
                {"conv2d_1", new long[]{30, 30, 32}, 896L},
                {"bn_1", new long[]{30, 30, 32}, 128L},
                {"conv2d_2", new long[]{28, 28, 64}, 18_496L},
                {"bn_2", new long[]{28, 28, 64}, 256L},
                {"pool_1", new long[]{14, 14, 64}, 0L},
                {"conv2d_3", new long[]{12, 12, 128}, 73_856L},
                {"bn_3", new long[]{12, 12, 128}, 512L},
                {"conv2d_4", new long[]{10, 10, 128}, 147_584L},
                {"bn_4", new long[]{10, 10, 128}, 512L},
                {"pool_2", new long[]{5, 5, 128}, 0L},
                {"flatten", new long[]{3200}, 0L},
                {"dropout", new long[]{3200}, 0L},
                {"dense", new long[]{512}, 1_638_912L},
                {"predictions", new long[]{10}, 5_130L},
        };
        for (Object[] e : expected) {
            ModelSummary.Row row = summary.row((String) e[0]);
            assertArrayEquals((long[]) e[1], row.shape(), "shape of " + e[0]);
            assertEquals(e[2], row.params(), "params of " + e[0]);
        }
    }

    @Test
    void takesRawPixelsAndGivesProbabilities() {
        INDArray pixels = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 4, 3, 32, 32).muli(255);
        INDArray out = graph.output(false, pixels)[0];
        assertArrayEquals(new long[]{4, 10}, out.shape());
        for (int i = 0; i < 4; i++) {
            assertEquals(1.0, out.getRow(i).sumNumber().doubleValue(), 1e-5);
        }
    }

    @Test
    void theDropoutIsKerasRateTheFractionZeroed() {
        assertEquals(0.5, ModelS.Spec.reference().dropout());
        ModelS.Spec ref = ModelS.Spec.reference();
        ModelS.Spec spec = new ModelS.Spec(32, 10, 42, ref.learningRate(), ref.rho(), ref.epsilon(),
                ref.batchNormMomentum(), 0.3, ref.conv(), ref.dense());
        ComputationGraph model = ModelS.build(spec);
        Dropout dropout = (Dropout) model.getLayer("dropout").conf().getLayer().getIDropout();
        assertEquals(0.7, dropout.getP(), 1e-12, "DL4J's argument is the probability of keeping an activation");
        assertEquals(0.3, ModelS.Spec.of(PipelineConfig.of(Map.of("pipeline.model.dropout", 0.3)), 10).dropout());
        assertThrows(IllegalArgumentException.class, () -> new ModelS.Spec(32, 10, 42, ref.learningRate(), ref.rho(),
                ref.epsilon(), ref.batchNormMomentum(), 1.0, ref.conv(), ref.dense()));
    }

    @Test
    void thePenaltyIsKerasL1L2OnTheKernelsOfEachKind() {
        ModelS.Spec ref = ModelS.Spec.reference();
        ModelS.Spec spec = new ModelS.Spec(32, 10, 42, ref.learningRate(), ref.rho(), ref.epsilon(),
                ref.batchNormMomentum(), ref.dropout(), new Regularizer(2e-4, 3e-3), new Regularizer(5e-5, 7e-4));
        // DL4J's own L1/L2 (ElasticNetRegularization, the fast path's, is checked against them in
        // FastOpsTest): whether an earlier test in this JVM turned the fast path on must not matter.
        ComputationGraph model = NativeRuntime.withHelpers(false, () -> ModelS.build(spec));
        double expected = 0;
        for (String layer : new String[]{"conv2d_1", "conv2d_2", "conv2d_3", "conv2d_4", "dense", "predictions"}) {
            Regularizer r = layer.startsWith("conv") ? spec.conv() : spec.dense();
            INDArray w = model.getLayer(layer).getParam("W");
            expected += r.l1() * w.norm1Number().doubleValue() + r.l2() * w.mul(w).sumNumber().doubleValue();
        }
        assertEquals(expected, model.calcRegularizationScore(true), 1e-6 * expected);
    }

    @Test
    void summaryPrintsKerasStyleTotals() {
        String text = summary.toString();
        assertEquals(true, text.contains("Total params: 1,886,282"), text);
        assertEquals(true, text.contains("Non-trainable params: 704"), text);
    }
}
