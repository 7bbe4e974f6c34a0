package org.imgpipe.data;

import java.io.Serializable;

/**
 * One decoded example: its class index and its pixels as row-major HWC RGB uint8. A plain class,
 * not a record, because Spark's Kryo cannot serialize records.
 */
public final class LabeledImage implements Serializable {
    private final int label;
    private final byte[] pixels;

    /**
     * @param label the class index, 0-based in sorted class-folder order
     * @param pixels row-major HWC RGB uint8, {@code size * size * 3} bytes (kept, not copied)
     */
    public LabeledImage(int label, byte[] pixels) {
        this.label = label;
        this.pixels = pixels;
    }

    /** @return the class index */
    public int label() {
        return label;
    }

    /** @return the pixels, row-major HWC RGB uint8 (the array itself, not a copy) */
    public byte[] pixels() {
        return pixels;
    }
}
