package org.imgpipe.data;

import java.io.Serializable;

/**
 * The outcome of decoding one file: pixels, or the reason it was rejected. A plain class, not a
 * record, because Spark's Kryo cannot serialize records.
 */
final class DecodeResult implements Serializable {
    private final String path;
    private final String fold;
    private final int label;
    private final byte[] pixels;
    private final String error;

    DecodeResult(String path, String fold, int label, byte[] pixels, String error) {
        this.path = path;
        this.fold = fold;
        this.label = label;
        this.pixels = pixels;
        this.error = error;
    }

    boolean ok() {
        return error == null;
    }

    String path() {
        return path;
    }

    String fold() {
        return fold;
    }

    int label() {
        return label;
    }

    byte[] pixels() {
        return pixels;
    }

    String error() {
        return error;
    }
}
