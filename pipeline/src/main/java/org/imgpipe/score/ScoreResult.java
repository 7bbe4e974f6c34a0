package org.imgpipe.score;

import java.io.Serializable;

/**
 * The outcome for one file: the class probabilities, or why it could not be scored. A plain class
 * (not a record) because Spark's Kryo serializer cannot build records.
 */
final class ScoreResult implements Serializable {
    private final String path;
    private final float[] probabilities;
    private final String error;

    ScoreResult(String path, float[] probabilities, String error) {
        this.path = path;
        this.probabilities = probabilities;
        this.error = error;
    }

    String path() {
        return path;
    }

    float[] probabilities() {
        return probabilities;
    }

    String error() {
        return error;
    }

    boolean ok() {
        return error == null;
    }
}
