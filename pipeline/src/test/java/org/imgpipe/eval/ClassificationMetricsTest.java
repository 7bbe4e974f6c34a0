package org.imgpipe.eval;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.mllib.evaluation.MulticlassMetrics;
import org.imgpipe.SparkTestSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import scala.Tuple2;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Metrics of a fixed set of 8 predictions over 3 classes, against values computed by hand (and
 * Spark MLlib's MulticlassMetrics where the two overlap).
 */
class ClassificationMetricsTest {
    // true label, then probabilities of classes 0, 1, 2
    private static final float[][] PREDICTIONS = {
            {0, 0.70f, 0.20f, 0.10f},   // -> 0 correct
            {0, 0.30f, 0.60f, 0.10f},   // -> 1 wrong
            {0, 0.55f, 0.05f, 0.40f},   // -> 0 correct
            {1, 0.10f, 0.85f, 0.05f},   // -> 1 correct
            {1, 0.15f, 0.25f, 0.60f},   // -> 2 wrong
            {2, 0.05f, 0.15f, 0.80f},   // -> 2 correct
            {2, 0.45f, 0.10f, 0.45f},   // -> 0 (ties go to the lower class) wrong
            {2, 0.20f, 0.05f, 0.75f},   // -> 2 correct
    };
    private static final double DELTA = 1e-9;

    private static EvalAccumulator accumulate(int bins) {
        EvalAccumulator acc = new EvalAccumulator(3, bins);
        for (float[] p : PREDICTIONS) {
            acc.add((int) p[0], new float[]{p[1], p[2], p[3]});
        }
        return acc;
    }

    @Test
    void confusionAccuracyAndLossByHand() {
        EvalAccumulator acc = accumulate(100);
        assertArrayEquals(new long[]{2, 1, 0}, acc.confusion()[0]);
        assertArrayEquals(new long[]{0, 1, 1}, acc.confusion()[1]);
        assertArrayEquals(new long[]{1, 0, 2}, acc.confusion()[2]);
        assertEquals(5.0 / 8, acc.accuracy(), DELTA);
        double ce = -(Math.log(0.70f) + Math.log(0.30f) + Math.log(0.55f) + Math.log(0.85f) + Math.log(0.25f)
                + Math.log(0.80f) + Math.log(0.45f) + Math.log(0.75f)) / 8;
        assertEquals(ce, acc.meanCrossEntropy(), 1e-6);
    }

    @Test
    void anEmptyEvaluationHasNoAccuracyLossOrAucAndZeroForTheRest() {
        EvalAccumulator empty = new EvalAccumulator(3, 100);
        ClassificationMetrics m = ClassificationMetrics.of(empty, List.of("a", "b", "c"), empty.meanCrossEntropy());
        assertEquals(0, m.count());
        assertEquals(Double.NaN, m.accuracy());
        assertEquals(Double.NaN, m.loss());
        for (long[] row : m.confusion()) {
            assertArrayEquals(new long[3], row);
        }
        for (int c = 0; c < 3; c++) {
            assertEquals(new ClassificationMetrics.PerClass(0, 0, 0, 0), m.perClass().get(c));
            assertEquals(Double.NaN, m.roc().get(c).auc());
        }
        assertArrayEquals(new double[6], new double[]{m.macroPrecision(), m.macroRecall(), m.macroF1(),
                m.weightedPrecision(), m.weightedRecall(), m.weightedF1()});
        assertEquals(0, m.confusedPairs().get(0).errors());
    }

    @Test
    void precisionRecallF1ByHand() {
        ClassificationMetrics m = ClassificationMetrics.of(accumulate(100), List.of("a", "b", "c"), 0);
        // class a: tp 2, predicted 3, support 3; b: tp 1, predicted 2, support 2; c: tp 2, predicted 3, support 3
        double[] precision = {2.0 / 3, 1.0 / 2, 2.0 / 3};
        double[] recall = {2.0 / 3, 1.0 / 2, 2.0 / 3};
        long[] support = {3, 2, 3};
        for (int c = 0; c < 3; c++) {
            assertEquals(precision[c], m.perClass().get(c).precision(), DELTA);
            assertEquals(recall[c], m.perClass().get(c).recall(), DELTA);
            assertEquals(2 * precision[c] * recall[c] / (precision[c] + recall[c]), m.perClass().get(c).f1(), DELTA);
            assertEquals(support[c], m.perClass().get(c).support());
        }
        assertEquals((2.0 / 3 + 0.5 + 2.0 / 3) / 3, m.macroPrecision(), DELTA);
        assertEquals((2.0 / 3 * 3 + 0.5 * 2 + 2.0 / 3 * 3) / 8, m.weightedPrecision(), DELTA);
        assertEquals(5.0 / 8, m.weightedRecall(), DELTA);
        ClassificationMetrics.ConfusedPair top = m.confusedPairs().get(0);
        assertEquals(List.of(0, 1, 1L, 0L), List.of(top.a(), top.b(), top.aAsB(), top.bAsA()));
        assertEquals(3, m.confusedPairs().size());
        assertEquals(List.of(), ClassificationMetrics.of(new EvalAccumulator(1, 10), List.of("only"), 0)
                .confusedPairs(), "one class has no pair");
    }

    @Test
    void aucByHandForEachClass() {
        ClassificationMetrics m = ClassificationMetrics.of(accumulate(100), List.of("a", "b", "c"), 0);
        // class a: positives 0.70 0.30 0.55; negatives 0.10 0.15 0.05 0.45 0.20.
        // Pairs won: 0.70 beats 5, 0.30 beats 4 (not 0.45), 0.55 beats 5 -> 14 of 15.
        assertEquals(14.0 / 15, m.roc().get(0).auc(), DELTA);
        // class b: positives 0.85 0.25; negatives 0.20 0.60 0.05 0.15 0.10 0.05 -> 6 + 5 = 11 of 12.
        assertEquals(11.0 / 12, m.roc().get(1).auc(), DELTA);
        // class c: positives 0.80 0.45 0.75; negatives 0.10 0.10 0.40 0.05 0.60 -> 5 + 4 + 5 = 14 of 15.
        assertEquals(14.0 / 15, m.roc().get(2).auc(), DELTA);
        RocCurve a = m.roc().get(0);
        assertEquals(1.0, a.tpr()[0], DELTA);
        assertEquals(1.0, a.fpr()[0], DELTA);
        assertEquals(0.0, a.tpr()[100], DELTA);
        assertEquals(0.0, a.fpr()[100], DELTA);
    }

    @Test
    void tiesInOneScoreBinCountHalf() {
        // With 2 bins, class a's scores 0.70, 0.55 and the negatives 0.45, 0.20 ... fall in bins by 0.5.
        ClassificationMetrics m = ClassificationMetrics.of(accumulate(2), List.of("a", "b", "c"), 0);
        // positives in bin 1: 0.70, 0.55; bin 0: 0.30. Negatives all in bin 0 (5).
        // won: 2*5 = 10; tie: 0.30 vs 5 negatives = 5 halves -> (10 + 2.5) / 15.
        assertEquals(12.5 / 15, m.roc().get(0).auc(), DELTA);
    }

    @Test
    @Tag("spark")
    void agreesWithSparkMllibMulticlassMetrics() {
        ClassificationMetrics m = ClassificationMetrics.of(accumulate(100), List.of("a", "b", "c"), 0);
        List<Tuple2<Object, Object>> pairs = new ArrayList<>();
        long[][] cm = m.confusion();
        for (int t = 0; t < 3; t++) {
            for (int p = 0; p < 3; p++) {
                for (long k = 0; k < cm[t][p]; k++) {
                    pairs.add(new Tuple2<>((double) p, (double) t));
                }
            }
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SparkTestSession.get().sparkContext());
        MulticlassMetrics mllib = new MulticlassMetrics(jsc.parallelize(pairs, 2).rdd());
        assertEquals(mllib.accuracy(), m.accuracy(), DELTA);
        assertEquals(mllib.weightedPrecision(), m.weightedPrecision(), DELTA);
        assertEquals(mllib.weightedRecall(), m.weightedRecall(), DELTA);
        assertEquals(mllib.weightedFMeasure(), m.weightedF1(), DELTA);
        for (int c = 0; c < 3; c++) {
            assertEquals(mllib.precision(c), m.perClass().get(c).precision(), DELTA);
            assertEquals(mllib.recall(c), m.perClass().get(c).recall(), DELTA);
            assertEquals(mllib.fMeasure(c), m.perClass().get(c).f1(), DELTA);
        }
        double[][] mat = toRows(mllib.confusionMatrix().toArray());
        for (int t = 0; t < 3; t++) {
            for (int p = 0; p < 3; p++) {
                assertEquals(mat[t][p], cm[t][p], DELTA);
            }
        }
    }

    /** MLlib's dense matrices are column-major. */
    private static double[][] toRows(double[] colMajor) {
        double[][] rows = new double[3][3];
        for (int i = 0; i < 9; i++) {
            rows[i % 3][i / 3] = colMajor[i];
        }
        return rows;
    }

    @Test
    void mergingPartitionsGivesTheSameCounts() {
        EvalAccumulator a = new EvalAccumulator(3, 100);
        EvalAccumulator b = new EvalAccumulator(3, 100);
        for (int i = 0; i < PREDICTIONS.length; i++) {
            float[] p = PREDICTIONS[i];
            (i % 2 == 0 ? a : b).add((int) p[0], new float[]{p[1], p[2], p[3]});
        }
        EvalAccumulator whole = accumulate(100);
        EvalAccumulator merged = a.merge(b);
        assertEquals(whole.accuracy(), merged.accuracy(), DELTA);
        assertEquals(whole.meanCrossEntropy(), merged.meanCrossEntropy(), 1e-9);
        for (int c = 0; c < 3; c++) {
            assertArrayEquals(whole.confusion()[c], merged.confusion()[c]);
            assertArrayEquals(whole.positives(c), merged.positives(c));
        }
    }
}
