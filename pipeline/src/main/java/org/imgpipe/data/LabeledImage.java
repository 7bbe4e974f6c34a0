package org.imgpipe.data;

import java.io.Serializable;

/**
 * One decoded example: its class index and its pixels as row-major HWC RGB uint8. A plain class,
 * not a record, because Spark's Kryo cannot serialize records.
 */
public final class LabeledImage implements Serializable {
    private final int label;
    private final byte[] pixels;

    public LabeledImage(int label, byte[] pixels) {
        this.label = label;
        this.pixels = pixels;
    }

    public int label() {
        return label;
    }

    public byte[] pixels() {
        return pixels;
    }
}
