package org.imgpipe.config;

import org.imgpipe.base.EvaluationMetric;

import java.util.Arrays;

/**
 * The promotion gate of scheduled retraining and its run lock.
 *
 * @param metric          what the gate compares
 * @param margin          how much lower than the current model's the candidate's metric may be, 0..1
 * @param lockMaxAgeHours after how many hours a held run lock counts as abandoned
 */
public record RetrainOptions(EvaluationMetric metric, double margin, int lockMaxAgeHours) {
    static RetrainOptions from(Settings s) {
        String key = s.string("metric").trim();
        EvaluationMetric metric = EvaluationMetric.of(key).orElseThrow(() -> s.invalid("metric", key,
                "must be one of " + Arrays.toString(EvaluationMetric.values())));
        return new RetrainOptions(metric, s.doubleIn("margin", 0, 1), s.intAtLeast("lock-max-age-hours", 1));
    }
}
