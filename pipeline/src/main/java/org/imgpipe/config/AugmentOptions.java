package org.imgpipe.config;

import java.io.Serializable;
import java.util.Locale;

/**
 * Random augmentation of the training images ({@code pipeline.train.augment}), Keras-style; all off by
 * default. A plain class, not a record: it travels to the executors inside Spark functions, and
 * Spark's Kryo cannot serialize records.
 */
public final class AugmentOptions implements Serializable {
    /** How a transform fills pixels that come from outside the image (Keras' fill_mode). */
    public enum FillMode {
        /** {@code d c b a | a b c d | d c b a}: mirrored about the edge, the edge pixel repeated */
        REFLECT,
        /** {@code a b c d | a b c d | a b c d} */
        WRAP,
        /** {@code a a a a | a b c d | d d d d} */
        NEAREST,
        /** black (0) */
        CONSTANT
    }

    private final boolean horizontalFlip;
    private final double translation;
    private final int padCrop;
    private final double rotation;
    private final double zoom;
    private final double contrast;
    private final int cutout;
    private final FillMode fillMode;

    /**
     * @param horizontalFlip mirror left-right with probability 1/2 (RandomFlip("horizontal"))
     * @param translation    shift by up to this fraction of the height and of the width, uniformly
     *                       (RandomTranslation(f, f)); 0..1
     * @param padCrop        shift by a whole number of pixels in -padCrop..padCrop in each direction
     *                       (pad and crop back); 0 = off; exclusive with translation
     * @param rotation       rotate by up to this fraction of a full turn either way (RandomRotation(f)); 0..1
     * @param zoom           scale the sampling grid by 1-zoom..1+zoom (RandomZoom(-f..f)); 0..0.9
     * @param contrast       per channel, (x - mean) * c + mean with c in 1-contrast..1+contrast
     *                       (RandomContrast(f)); 0..1
     * @param cutout         black out a square of this side in pixels around a uniformly drawn pixel (its
     *                       centre for odd sides, the lower-right of the middle four for even ones), clipped
     *                       at the edges: DeVries and Taylor 2017's "Cutout" and KerasCV's RandomCutout
     *                       bounds, filled black (KerasCV's default fill_value 0 before rescaling; the
     *                       paper's code fills 0 after normalization, the data's mean); 0 = off, at most
     *                       the image size (checked by {@code PipelineConfig.train()})
     * @param fillMode       what geometric transforms show outside the image
     */
    public AugmentOptions(boolean horizontalFlip, double translation, int padCrop, double rotation, double zoom,
                          double contrast, int cutout, FillMode fillMode) {
        this.horizontalFlip = horizontalFlip;
        this.translation = translation;
        this.padCrop = padCrop;
        this.rotation = rotation;
        this.zoom = zoom;
        this.contrast = contrast;
        this.cutout = cutout;
        this.fillMode = fillMode;
    }

    /** No augmentation. */
    public static AugmentOptions none() {
        return new AugmentOptions(false, 0, 0, 0, 0, 0, 0, FillMode.REFLECT);
    }

    static AugmentOptions from(Settings s) {
        double translation = s.doubleIn("translation", 0, 1);
        int padCrop = s.intAtLeast("pad-crop", 0);
        if (translation > 0 && padCrop > 0) {
            throw s.invalid("pad-crop", padCrop, "set either translation or pad-crop, not both");
        }
        String fill = s.string("fill-mode");
        FillMode mode;
        try {
            mode = FillMode.valueOf(fill.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw s.invalid("fill-mode", fill, "must be one of reflect, wrap, nearest, constant");
        }
        return new AugmentOptions(s.bool("horizontal-flip"), translation, padCrop, s.doubleIn("rotation", 0, 1),
                s.doubleIn("zoom", 0, 0.9), s.doubleIn("contrast", 0, 1), s.intAtLeast("cutout", 0), mode);
    }

    /** @return whether any transform is on */
    public boolean enabled() {
        return horizontalFlip || translation > 0 || padCrop > 0 || rotation > 0 || zoom > 0 || contrast > 0
                || cutout > 0;
    }

    /** @return whether images are mirrored left-right with probability 1/2 (Keras' RandomFlip("horizontal")) */
    public boolean horizontalFlip() {
        return horizontalFlip;
    }

    /** @return the largest shift as a fraction of the image side, 0..1 */
    public double translation() {
        return translation;
    }

    /** @return the largest whole-pixel shift, 0 = off */
    public int padCrop() {
        return padCrop;
    }

    /** @return the largest rotation as a fraction of a full turn, 0..1 */
    public double rotation() {
        return rotation;
    }

    /** @return the largest relative change of scale, 0..0.9 */
    public double zoom() {
        return zoom;
    }

    /** @return the largest relative change of contrast, 0..1 */
    public double contrast() {
        return contrast;
    }

    /** @return the side of the blacked-out square in pixels, 0 = off */
    public int cutout() {
        return cutout;
    }

    /** @return what shifts, rotations and zooms show outside the image (Keras' {@code fill_mode}) */
    public FillMode fillMode() {
        return fillMode;
    }

    /**
     * @return the settings as {@code key=value} pairs in config order, e.g. for the resume check and
     *     reports; cutout only when on, so that checkpoints written before it existed still match
     */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "horizontal-flip=%s, translation=%s, pad-crop=%d, rotation=%s, zoom=%s, "
                + "contrast=%s, %sfill-mode=%s", horizontalFlip, translation, padCrop, rotation, zoom, contrast,
                cutout > 0 ? "cutout=" + cutout + ", " : "", fillMode.name().toLowerCase(Locale.ROOT));
    }
}
