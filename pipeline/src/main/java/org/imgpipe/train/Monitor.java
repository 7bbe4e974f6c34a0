package org.imgpipe.train;

import org.imgpipe.base.EpochMetric;

import org.imgpipe.base.EpochResult;

/**
 * Watches one metric for improvement the way Keras callbacks do in mode "auto": accuracies should
 * rise, losses fall, and a change counts only when it exceeds minDelta.
 */
final class Monitor {
    private final EpochMetric metric;
    private final double minDelta;
    private final boolean higherIsBetter;
    private double best;

    Monitor(EpochMetric metric, double minDelta) {
        this.metric = metric;
        this.minDelta = minDelta;
        this.higherIsBetter = metric.higherIsBetter();
        this.best = higherIsBetter ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }

    /** True (and remembers the value as the new best) when this epoch improved on the best so far. */
    boolean improved(EpochResult r) {
        double v = r.value(metric);
        boolean better = higherIsBetter ? v > best + minDelta : v < best - minDelta;
        if (better) {
            best = v;
        }
        return better;
    }

    double best() {
        return best;
    }

    void restoreBest(double value) {
        best = value;
    }

    EpochMetric metric() {
        return metric;
    }
}
