package org.imgpipe.retrain;

import java.util.Map;

/** The record the retrain job keeps of one promotion decision (registry decisions/ folder). */
public record Decision(String time, String outcome, String reason, String candidate, String current, String split,
                       String metric, double margin, Map<String, Double> candidateMetrics,
                       Map<String, Double> currentMetrics) {
    public static final String PROMOTED = "promoted";
    public static final String KEPT_CURRENT = "kept-current";

    /** @return whether the candidate was promoted (outcome {@value #PROMOTED}) */
    public boolean promoted() {
        return PROMOTED.equals(outcome);
    }
}
