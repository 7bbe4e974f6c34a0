package org.imgpipe.data;

import java.io.Serializable;

/**
 * One decoded training or validation image with the fold it belongs to. A plain class, not a record,
 * because Spark's Kryo cannot serialize records.
 */
final class FoldImage implements Serializable {
    private final String fold;
    private final int label;
    private final byte[] pixels;

    /**
     * @param fold   the fold's folder name, e.g. {@code train1}
     * @param label  the class index, 0-based in sorted class-folder order
     * @param pixels row-major HWC RGB uint8 (kept, not copied)
     */
    FoldImage(String fold, int label, byte[] pixels) {
        this.fold = fold;
        this.label = label;
        this.pixels = pixels;
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
}
