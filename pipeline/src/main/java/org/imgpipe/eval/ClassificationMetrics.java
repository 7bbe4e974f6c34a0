package org.imgpipe.eval;

import org.imgpipe.base.EvaluationMetric;

import java.util.ArrayList;
import java.util.List;

/**
 * Accuracy, per-class and averaged precision/recall/F1 (sklearn's definitions, 0 where undefined)
 * and per-class ROC curves, computed from an {@link EvalAccumulator}.
 */
public record ClassificationMetrics(List<String> classNames, long count, double loss, double accuracy,
                                    long[][] confusion, List<PerClass> perClass, List<RocCurve> roc,
                                    double macroPrecision, double macroRecall, double macroF1,
                                    double weightedPrecision, double weightedRecall, double weightedF1) {

    /** Precision, recall, F1 and support of one class. */
    public record PerClass(double precision, double recall, double f1, long support) {
    }

    /** @param loss the loss to report (cross-entropy plus any regularization the caller adds) */
    public static ClassificationMetrics of(EvalAccumulator acc, List<String> classNames, double loss) {
        int k = acc.numClasses();
        long[][] cm = acc.confusion();
        List<PerClass> per = new ArrayList<>();
        List<RocCurve> roc = new ArrayList<>();
        double[] macro = new double[3];
        double[] weighted = new double[3];
        long total = 0;
        for (int c = 0; c < k; c++) {
            long support = 0;
            long predicted = 0;
            for (int j = 0; j < k; j++) {
                support += cm[c][j];
                predicted += cm[j][c];
            }
            double precision = predicted == 0 ? 0 : (double) cm[c][c] / predicted;
            double recall = support == 0 ? 0 : (double) cm[c][c] / support;
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            per.add(new PerClass(precision, recall, f1, support));
            double[] v = {precision, recall, f1};
            for (int m = 0; m < 3; m++) {
                macro[m] += v[m] / k;
                weighted[m] += v[m] * support;
            }
            total += support;
            roc.add(RocCurve.of(acc.positives(c), acc.negatives(c)));
        }
        for (int m = 0; m < 3; m++) {
            weighted[m] = total == 0 ? 0 : weighted[m] / total;
        }
        return new ClassificationMetrics(List.copyOf(classNames), acc.count(), loss, acc.accuracy(), cm, per, roc,
                macro[0], macro[1], macro[2], weighted[0], weighted[1], weighted[2]);
    }

    /**
     * @param metric an evaluation figure
     * @return its value here
     */
    public double value(EvaluationMetric metric) {
        return switch (metric) {
            case ACCURACY -> accuracy;
            case MACRO_F1 -> macroF1;
            case WEIGHTED_F1 -> weightedF1;
        };
    }

    /**
     * Two distinct classes and how often each was taken for the other.
     *
     * @param a    the lower class index
     * @param b    the higher class index
     * @param aAsB examples of a predicted as b
     * @param bAsA examples of b predicted as a
     */
    public record ConfusedPair(int a, int b, long aAsB, long bAsA) {
        /** @return errors in both directions */
        public long errors() {
            return aAsB + bAsA;
        }
    }

    /**
     * @return every pair of distinct classes, most errors (both directions) first, ties in index order;
     *         empty for fewer than 2 classes
     */
    public List<ConfusedPair> confusedPairs() {
        List<ConfusedPair> pairs = new ArrayList<>();
        for (int i = 0; i < confusion.length; i++) {
            for (int j = i + 1; j < confusion.length; j++) {
                pairs.add(new ConfusedPair(i, j, confusion[i][j], confusion[j][i]));
            }
        }
        pairs.sort(java.util.Comparator.comparingLong(ConfusedPair::errors).reversed());
        return pairs;
    }
}
