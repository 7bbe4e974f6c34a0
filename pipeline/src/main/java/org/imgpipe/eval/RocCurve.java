package org.imgpipe.eval;

/**
 * One class's one-vs-rest ROC curve at thresholds 0, 1/bins, ..., 1 and beyond, from score
 * histograms; the AUC is the trapezoid area under it, which counts examples in the same bin as ties.
 */
public record RocCurve(double[] thresholds, double[] fpr, double[] tpr, double auc) {

    static RocCurve of(long[] positives, long[] negatives) {
        int bins = positives.length;
        long p = sum(positives);
        long n = sum(negatives);
        double[] thr = new double[bins + 1];
        double[] fpr = new double[bins + 1];
        double[] tpr = new double[bins + 1];
        long tp = 0;
        long fp = 0;
        // Walk thresholds from high to low: at threshold j/bins, scores in bins j..bins-1 are "positive".
        for (int j = bins; j >= 0; j--) {
            if (j < bins) {
                tp += positives[j];
                fp += negatives[j];
            }
            thr[j] = (double) j / bins;
            tpr[j] = p == 0 ? Double.NaN : (double) tp / p;
            fpr[j] = n == 0 ? Double.NaN : (double) fp / n;
        }
        return fromPoints(thr, fpr, tpr);
    }

    /**
     * A curve from its points, as {@link #of} makes them (threshold j/bins at index j) or as roc.csv
     * holds them; the AUC is the trapezoid area, NaN when a rate is undefined (no positive or no
     * negative example).
     *
     * @param thresholds ascending thresholds, one per point
     * @param fpr        false-positive rate at each threshold, 0..1
     * @param tpr        true-positive rate at each threshold, 0..1
     * @return the curve with its AUC
     */
    public static RocCurve fromPoints(double[] thresholds, double[] fpr, double[] tpr) {
        double auc = 0;
        for (int j = fpr.length - 1; j > 0; j--) {
            auc += (fpr[j - 1] - fpr[j]) * (tpr[j - 1] + tpr[j]) / 2;
        }
        return new RocCurve(thresholds, fpr, tpr, fpr.length < 2 ? Double.NaN : auc);
    }

    private static long sum(long[] a) {
        long s = 0;
        for (long v : a) {
            s += v;
        }
        return s;
    }
}
