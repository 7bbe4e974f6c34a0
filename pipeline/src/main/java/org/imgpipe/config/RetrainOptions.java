package org.imgpipe.config;

import java.util.List;

/** The promotion gate of scheduled retraining and its run lock. */
public record RetrainOptions(String metric, double margin, int lockMaxAgeHours) {
    /** Metrics the gate can compare; higher is better for each. */
    public static final List<String> METRICS = List.of("accuracy", "macro_f1", "weighted_f1");

    static RetrainOptions from(Settings s) {
        String metric = s.string("metric").trim();
        if (!METRICS.contains(metric)) {
            throw s.invalid("metric", metric, "must be one of " + METRICS);
        }
        return new RetrainOptions(metric, s.doubleIn("margin", 0, 1), s.intAtLeast("lock-max-age-hours", 1));
    }
}
