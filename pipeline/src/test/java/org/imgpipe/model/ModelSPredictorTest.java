package org.imgpipe.model;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.imgpipe.runtime.NativeRuntime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The inference path against DL4J's own output on the same graph: oneDNN's chain over the folded
 * parameters must give the graph's probabilities within float rounding, for any batch size, image size,
 * class count and input layout; the fallback must give them exactly.
 */
class ModelSPredictorTest {
    private static final float[][] EXPECTED = {{0, 1, 2}, {3, 4, 5}};
    private static final float TOLERANCE = 1e-5f;
    private static ComputationGraph graph;

    @BeforeAll
    static void build() {
        NativeRuntime.prepare();
        graph = withTrainedStatistics(ModelS.build(ModelS.Spec.reference()), 3);
    }

    /**
     * Batch-norm parameters and moving statistics as training leaves them, not as initialized (gamma 1,
     * beta 0, mean 0, variance 1, under which folding mistakes would not show), about one gamma in ten
     * negative (a max pool after such a batch norm takes the minimum of its input).
     */
    private static ComputationGraph withTrainedStatistics(ComputationGraph model, long seed) {
        Random random = new Random(seed);
        for (int l = 1; l <= 4; l++) {
            for (Map.Entry<String, INDArray> p : model.getLayer("bn_" + l).paramTable().entrySet()) {
                INDArray values = p.getValue();
                for (long i = 0; i < values.length(); i++) {
                    values.putScalar(i, switch (p.getKey()) {
                        case "gamma" -> random.nextInt(10) == 0 ? -0.7 : 0.5 + random.nextDouble();
                        case "beta" -> 0.3 * random.nextGaussian();
                        case "mean" -> random.nextDouble();
                        default -> -0.5 + 0.8 * random.nextDouble(); // log10 of the standard deviation
                    });
                }
            }
        }
        return model;
    }

    private static INDArray images(int n, int side, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.rand(DataType.FLOAT, n, 3, side, side).muli(255);
    }

    private static void assertClose(float[][] expected, float[][] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertArrayEquals(expected[i], actual[i], TOLERANCE, "row " + i);
        }
    }

    private static float[][] dl4j(ComputationGraph model, INDArray features) {
        return ModelSPredictor.rows(model.output(false, features)[0]);
    }

    @Test
    void oneDnnRunsOnLinuxX8664() {
        boolean linuxX64 = "amd64".equals(System.getProperty("os.arch"))
                && System.getProperty("os.name").startsWith("Linux");
        assertEquals(linuxX64 && NativeRuntime.fastPathEnabled(), ModelSPredictor.of(graph).usesOneDnn());
    }

    @Test
    void oneDnnGivesTheGraphsProbabilitiesForAnyBatchSize() {
        try (ModelSPredictor predictor = ModelSPredictor.of(graph)) {
            for (int n : new int[]{7, 1, 7, 2}) {
                INDArray x = images(n, 32, n);
                assertClose(dl4j(graph, x), predictor.probabilities(x));
            }
        }
    }

    @Test
    void aBatchLargerThanAChainRunsInPieces() {
        int n = ModelSPredictor.MAX_CHAIN_BATCH + 3;
        INDArray x = images(n, 32, 12);
        try (ModelSPredictor predictor = ModelSPredictor.of(graph)) {
            assertClose(dl4j(graph, x), predictor.probabilities(x));
        }
    }

    @Test
    void probabilitiesOfOtherImageSizesAndClassCounts() {
        ModelS.Spec ref = ModelS.Spec.reference();
        ComputationGraph model = withTrainedStatistics(ModelS.build(new ModelS.Spec(36, 3, 5, ref.learningRate(),
                ref.rho(), ref.epsilon(), 0.99, 0.5, ref.conv(), ref.dense())), 4);
        INDArray x = images(5, 36, 6);
        try (ModelSPredictor predictor = ModelSPredictor.of(model)) {
            float[][] probabilities = predictor.probabilities(x);
            assertEquals(3, probabilities[0].length);
            assertClose(dl4j(model, x), probabilities);
        }
    }

    @Test
    void anOddImageSizeThatFitsTheDenseLayer() {
        INDArray x = images(3, 35, 13);
        try (ModelSPredictor predictor = ModelSPredictor.of(graph)) {
            assertClose(dl4j(graph, x), predictor.probabilities(x));
        }
    }

    @Test
    void viewsPermutedAndOtherTypedInputsGiveTheSameAsAPlainCopy() {
        INDArray larger = images(6, 32, 8);
        INDArray middle = larger.get(NDArrayIndex.interval(2, 5), NDArrayIndex.all(), NDArrayIndex.all(),
                NDArrayIndex.all());
        INDArray nhwc = middle.permute(0, 2, 3, 1).dup('c');
        try (ModelSPredictor predictor = ModelSPredictor.of(graph)) {
            float[][] copy = predictor.probabilities(middle.dup('c'));
            assertArrayEquals(copy, predictor.probabilities(middle));
            assertArrayEquals(copy, predictor.probabilities(middle.dup('f')));
            assertArrayEquals(copy, predictor.probabilities(nhwc.permute(0, 3, 1, 2)));
            assertArrayEquals(copy, predictor.probabilities(middle.castTo(DataType.DOUBLE)));
            INDArray uint8 = Nd4j.create(DataType.UINT8, 1, 3, 32, 32).assign(17);
            assertArrayEquals(predictor.probabilities(Nd4j.valueArrayOf(new long[]{1, 3, 32, 32}, 17f)),
                    predictor.probabilities(uint8));
        }
    }

    @Test
    void aClosedPredictorStillPredicts() {
        INDArray x = images(3, 32, 9);
        ModelSPredictor predictor = ModelSPredictor.of(graph);
        float[][] before = predictor.probabilities(x);
        predictor.close();
        assertArrayEquals(before, predictor.probabilities(x));
        predictor.close();
    }

    @Test
    void aModelOfTheSameShapesTakesOverThePreviousChainsWithItsOwnParameters() {
        ComputationGraph next = withTrainedStatistics(ModelS.build(ModelS.Spec.reference(10, 7)), 5);
        INDArray x = images(3, 32, 14);
        ModelSPredictor previous = ModelSPredictor.of(graph);
        float[][] before = previous.probabilities(x);
        assertEquals(1, previous.chains(), "oneDNN runs here");
        try (ModelSPredictor predictor = ModelSPredictor.of(next, previous)) {
            assertEquals(1, predictor.chains(), "the chain moved");
            assertEquals(0, previous.chains());
            float[][] after = predictor.probabilities(x);
            assertEquals(1, predictor.chains(), "no new chain for the same batch size");
            assertClose(dl4j(next, x), after);
            assertTrue(Math.abs(before[0][0] - after[0][0]) > 1e-3, "the models differ");
        }
    }

    @Test
    void aModelOfOtherShapesBuildsItsOwnChainsAndFreesThePrevious() {
        ModelS.Spec ref = ModelS.Spec.reference();
        ComputationGraph fiveClasses = withTrainedStatistics(ModelS.build(ModelS.Spec.reference(5, 7)), 5);
        INDArray x = images(2, 32, 15);
        ModelSPredictor previous = ModelSPredictor.of(graph);
        previous.probabilities(x);
        try (ModelSPredictor predictor = ModelSPredictor.of(fiveClasses, previous)) {
            assertEquals(0, predictor.chains());
            assertEquals(0, previous.chains());
            assertClose(dl4j(fiveClasses, x), predictor.probabilities(x));
        }
        assertEquals(ref.numClasses(), previous.probabilities(x)[0].length, "the closed one still predicts");
    }

    @Test
    void withoutTheFastPathTheGraphItselfPredicts() {
        try (ModelSPredictor predictor = NativeRuntime.withHelpers(false, () -> ModelSPredictor.of(graph))) {
            assertFalse(predictor.usesOneDnn());
            INDArray x = images(4, 32, 10);
            assertArrayEquals(dl4j(graph, x), predictor.probabilities(x));
            assertEquals(0, predictor.probabilities(Nd4j.create(DataType.FLOAT, 0, 3, 32, 32)).length);
        }
    }

    @Test
    void noImagesGiveNoRows() {
        try (ModelSPredictor predictor = ModelSPredictor.of(graph)) {
            assertEquals(0, predictor.probabilities(Nd4j.create(DataType.FLOAT, 0, 3, 32, 32)).length);
        }
    }

    @Test
    void imagesOfAnotherSizeAreRefused() {
        try (ModelSPredictor predictor = ModelSPredictor.of(graph)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> predictor.probabilities(images(2, 36, 1)));
            assertEquals("features of shape [2, 3, 36, 36], expected [N, 3, S, S] (NCHW) with S in 32..35 (the"
                    + " sizes whose pooled activations fit the model's dense layer)", e.getMessage());
            assertTrue(assertThrows(IllegalArgumentException.class,
                    () -> predictor.probabilities(Nd4j.create(DataType.FLOAT, 2, 3072))).getMessage()
                    .startsWith("features of shape [2, 3072], expected"));
            assertThrows(IllegalArgumentException.class,
                    () -> predictor.probabilities(Nd4j.create(DataType.FLOAT, 2, 1, 32, 32)));
        }
    }

    @Test
    void rowsOfACOrderedMatrix() {
        assertArrayEquals(EXPECTED, ModelSPredictor.rows(Nd4j.create(new float[]{0, 1, 2, 3, 4, 5}, new long[]{2, 3}, 'c')));
    }

    @Test
    void rowsOfAnFOrderedMatrix() {
        assertArrayEquals(EXPECTED, ModelSPredictor.rows(Nd4j.create(new float[]{0, 3, 1, 4, 2, 5}, new long[]{2, 3}, 'f')));
    }

    @Test
    void rowsOfAViewReadOnlyItsElements() {
        INDArray larger = Nd4j.arange(0, 12).castTo(DataType.FLOAT).reshape('c', 4, 3);
        INDArray middle = larger.get(NDArrayIndex.interval(1, 3), NDArrayIndex.all());
        assertArrayEquals(new float[][]{{3, 4, 5}, {6, 7, 8}}, ModelSPredictor.rows(middle));
    }

    @Test
    void onlyAMatrixHasRows() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelSPredictor.rows(Nd4j.create(DataType.FLOAT, 2, 3, 1)));
        assertEquals("expected an [N, K] matrix, got shape [2, 3, 1]", e.getMessage());
    }

    @Test
    void noRowsGiveAnEmptyArray() {
        assertEquals(0, ModelSPredictor.rows(Nd4j.create(DataType.FLOAT, 0, 10)).length);
    }
}
