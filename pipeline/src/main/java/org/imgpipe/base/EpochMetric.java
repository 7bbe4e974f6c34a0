package org.imgpipe.base;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The per-epoch metrics a Keras callback may monitor, by their Keras names. */
public enum EpochMetric {
    LOSS(false),
    ACCURACY(true),
    VAL_LOSS(false),
    VAL_ACCURACY(true);

    private final boolean higherIsBetter;

    EpochMetric(boolean higherIsBetter) {
        this.higherIsBetter = higherIsBetter;
    }

    /** @return the Keras name: {@code loss}, {@code accuracy}, {@code val_loss}, {@code val_accuracy} */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return whether a larger value is an improvement (Keras' mode "max"), as for accuracies */
    public boolean higherIsBetter() {
        return higherIsBetter;
    }

    /** @return the validation counterpart of a training metric, or the metric itself if it is one */
    public EpochMetric validation() {
        return switch (this) {
            case LOSS, VAL_LOSS -> VAL_LOSS;
            case ACCURACY, VAL_ACCURACY -> VAL_ACCURACY;
        };
    }

    /**
     * @param key a Keras name
     * @return the metric, or empty when the name is none of {@link #key()}'s
     */
    public static Optional<EpochMetric> of(String key) {
        return Arrays.stream(values()).filter(m -> m.key().equals(key)).findFirst();
    }

    @Override
    public String toString() {
        return key();
    }
}
