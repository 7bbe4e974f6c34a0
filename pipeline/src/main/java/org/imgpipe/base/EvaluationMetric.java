package org.imgpipe.base;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The evaluation figures the promotion gate of scheduled retraining can compare, by the names of
 * {@code metrics.json} (sklearn's classification_report terms); higher is better for each.
 */
public enum EvaluationMetric {
    ACCURACY,
    MACRO_F1,
    WEIGHTED_F1;

    /** @return the name in {@code metrics.json} and the config: {@code accuracy}, {@code macro_f1}, {@code weighted_f1} */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param key a name as {@link #key()} gives it
     * @return the metric, or empty for any other name
     */
    public static Optional<EvaluationMetric> of(String key) {
        return Arrays.stream(values()).filter(m -> m.key().equals(key)).findFirst();
    }

    @Override
    public String toString() {
        return key();
    }
}
