package org.imgpipe.retrain;

import org.imgpipe.base.EvaluationMetric;

import java.util.Map;

/**
 * Decides whether a newly trained model replaces the current one: promote when the candidate's
 * metric on the evaluation split is at least the current model's minus the margin.
 */
public record PromotionGate(EvaluationMetric metric, double margin) {

    /** The decision and why, in words for the decision record and the log. */
    public record Verdict(boolean promote, String reason) {
    }

    /**
     * @param candidate the new model's evaluation metrics by key (e.g. {@code accuracy}, {@code macro_f1})
     * @param current the current model's metrics on the same split
     * @return promote when candidate &gt;= current - margin, with the comparison in words
     * @throws IllegalArgumentException when either map lacks the gate's metric or has NaN for it
     */
    public Verdict decide(Map<String, Double> candidate, Map<String, Double> current) {
        double c = value(candidate, "candidate");
        double cur = value(current, "current");
        boolean promote = c >= cur - margin;
        return new Verdict(promote, String.format(java.util.Locale.ROOT, "%s %.4f %s current %.4f - margin %.4f",
                metric, c, promote ? ">=" : "<", cur, margin));
    }

    private double value(Map<String, Double> metrics, String which) {
        Double v = metrics.get(metric.key());
        if (v == null || v.isNaN()) {
            throw new IllegalArgumentException("the " + which + " model's evaluation has no " + metric);
        }
        return v;
    }
}
