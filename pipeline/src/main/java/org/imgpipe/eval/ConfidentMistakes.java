package org.imgpipe.eval;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Collections;

/**
 * The misclassified examples the model was most sure of: a bounded keeper that merges across
 * partitions like the rest of {@link EvalAccumulator}, so only {@code capacity} images per partition
 * leave an executor. Ties in confidence are broken by labels and pixels, so the kept set does not
 * depend on the order of partitions.
 */
public final class ConfidentMistakes implements Serializable {
    /**
     * One misclassified example. A plain class, not a record: Spark's Kryo cannot serialize records.
     */
    public static final class Mistake implements Serializable {
        private final int label;
        private final int predicted;
        private final float confidence;
        private final byte[] pixels;

        /**
         * @param label      the true class index
         * @param predicted  the predicted class index (the argmax, not the label)
         * @param confidence the predicted class's probability, 0..1
         * @param pixels     the image as row-major HWC RGB uint8
         */
        @JsonCreator
        public Mistake(@JsonProperty("label") int label, @JsonProperty("predicted") int predicted,
                       @JsonProperty("confidence") float confidence, @JsonProperty("pixels") byte[] pixels) {
            this.label = label;
            this.predicted = predicted;
            this.confidence = confidence;
            this.pixels = pixels;
        }

        /** @return the true class index */
        @JsonProperty
        public int label() {
            return label;
        }

        /** @return the predicted class index */
        @JsonProperty
        public int predicted() {
            return predicted;
        }

        /** @return the predicted class's probability, 0..1 */
        @JsonProperty
        public float confidence() {
            return confidence;
        }

        /** @return the image as row-major HWC RGB uint8 (base64 in JSON) */
        @JsonProperty
        public byte[] pixels() {
            return pixels;
        }
    }

    /** Least worth keeping first: the minimum is what a better mistake replaces. */
    static final Comparator<Mistake> ORDER = Comparator.comparingDouble((Mistake m) -> m.confidence())
            .thenComparing(Mistake::label, Comparator.reverseOrder())
            .thenComparing(Mistake::predicted, Comparator.reverseOrder())
            .thenComparing(Mistake::pixels, (a, b) -> Arrays.compareUnsigned(b, a));

    private final int capacity;
    // A plain list, not a PriorityQueue: Spark's Kryo cannot serialize the queue's comparator (a lambda).
    private final ArrayList<Mistake> kept;

    /** @param capacity how many mistakes to keep, at least 0 */
    public ConfidentMistakes(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity " + capacity);
        }
        this.capacity = capacity;
        this.kept = new ArrayList<>(capacity + 1);
    }

    /**
     * Keeps the mistake when it is among the {@code capacity} most confident offered so far.
     *
     * @param m a misclassified example
     */
    public void offer(Mistake m) {
        if (capacity == 0) {
            return;
        }
        kept.add(m);
        if (kept.size() > capacity) {
            kept.remove(Collections.min(kept, ORDER));
        }
    }

    /**
     * @param other mistakes of another partition, left unchanged
     * @return this keeper, now holding the most confident of both
     */
    public ConfidentMistakes merge(ConfidentMistakes other) {
        List.copyOf(other.kept).forEach(this::offer);
        return this;
    }

    /** @return the kept mistakes, most confident first */
    public List<Mistake> mostConfidentFirst() {
        List<Mistake> out = new ArrayList<>(kept);
        out.sort(ORDER.reversed());
        return out;
    }
}
