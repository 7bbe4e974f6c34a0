package org.imgpipe.data;

import org.imgpipe.config.AugmentOptions;

import java.io.Serializable;
import java.util.SplittableRandom;

/**
 * Random augmentation of one decoded training image, Keras-style: horizontal flip, translation (a
 * fraction of the side, or whole pixels as in pad-and-crop), rotation and zoom about the centre with
 * bilinear sampling and Keras' fill modes, then contrast, then cutout (a black square, DeVries and
 * Taylor 2017, with KerasCV RandomCutout's bounds). The random draws are a function of one
 * 64-bit key (the epoch shuffle's key of the example, itself a function of seed, epoch and example),
 * so the same run always sees the same images. Geometric transforms are combined into one sampling
 * so each pixel is interpolated once.
 */
public final class ImageAugmenter implements Serializable {
    private final AugmentOptions options;

    /** @param options the transforms and their strengths */
    public ImageAugmenter(AugmentOptions options) {
        this.options = options;
    }

    /**
     * One image's random draw: what {@link #apply(byte[], int, Draw)} does to it.
     *
     * @param flip     mirror left-right
     * @param dx       shift right in pixels (negative: left)
     * @param dy       shift down in pixels (negative: up)
     * @param angle    rotation in radians, counter-clockwise as the image is seen
     * @param zoom     scale of the sampling grid: above 1 zooms out, below 1 zooms in
     * @param contrast contrast factor, 1 = unchanged
     * @param cutout   side of the blacked-out square in pixels, 0 = none
     * @param cutoutX  column of its centre pixel in the transformed image, 0-based (for an even side the
     *                 right one of the two middle columns)
     * @param cutoutY  row of its centre pixel, likewise
     */
    public record Draw(boolean flip, double dx, double dy, double angle, double zoom, double contrast, int cutout,
                       int cutoutX, int cutoutY) {
        /** The draw that leaves an image as it is. */
        public static final Draw IDENTITY = new Draw(false, 0, 0, 0, 1, 1);

        /** A draw without cutout; the arguments as in the canonical constructor. */
        public Draw(boolean flip, double dx, double dy, double angle, double zoom, double contrast) {
            this(flip, dx, dy, angle, zoom, contrast, 0, 0, 0);
        }
    }

    /**
     * @param key  the example's key for this epoch
     * @param size the image side in pixels
     * @return the transforms drawn for that key
     */
    public Draw draw(long key, int size) {
        SplittableRandom r = new SplittableRandom(key);
        boolean flip = options.horizontalFlip() && r.nextBoolean();
        double dx = 0;
        double dy = 0;
        if (options.translation() > 0) {
            dx = uniform(r, options.translation()) * size;
            dy = uniform(r, options.translation()) * size;
        } else if (options.padCrop() > 0) {
            dx = r.nextInt(-options.padCrop(), options.padCrop() + 1);
            dy = r.nextInt(-options.padCrop(), options.padCrop() + 1);
        }
        double angle = options.rotation() > 0 ? uniform(r, options.rotation()) * 2 * Math.PI : 0;
        double zoom = options.zoom() > 0 ? 1 + uniform(r, options.zoom()) : 1;
        double contrast = options.contrast() > 0 ? 1 + uniform(r, options.contrast()) : 1;
        // Drawn last, so the other transforms' draws for a key are those of runs before cutout existed.
        int cutoutX = options.cutout() > 0 ? r.nextInt(size) : 0;
        int cutoutY = options.cutout() > 0 ? r.nextInt(size) : 0;
        return new Draw(flip, dx, dy, angle, zoom, contrast, options.cutout(), cutoutX, cutoutY);
    }

    /**
     * Augments one image with the draw for its key.
     *
     * @param pixels the image, row-major HWC RGB uint8, {@code size * size * 3} bytes (not changed)
     * @param size   the image side in pixels
     * @param key    the example's key for this epoch
     * @return a new array of the same shape; the same array when no transform is on
     */
    public byte[] apply(byte[] pixels, int size, long key) {
        return options.enabled() ? apply(pixels, size, draw(key, size), options.fillMode()) : pixels;
    }

    /**
     * Applies a given draw. Output pixel centre p (relative to the image centre) samples the input at
     * F(R * (zoom * p) - (dx, dy)), R the inverse of the counter-clockwise rotation by angle and F the
     * optional mirror (so the output is the input mirrored, shifted, rotated and scaled, in that
     * order); values between pixels are bilinear,
     * values outside come from the fill mode; then contrast (x - mean) * c + mean per channel, with the
     * channel's mean over the image, clipped to 0..255 and rounded; then the cutout square, rows and
     * columns centre - side / 2 .. centre - side / 2 + side - 1 inside the image, set to 0.
     *
     * @param pixels the image, row-major HWC RGB uint8
     * @param size   its side in pixels
     * @param d      the transforms
     * @param fill   the fill mode
     * @return the transformed image, a new array
     */
    public static byte[] apply(byte[] pixels, int size, Draw d, AugmentOptions.FillMode fill) {
        float[] out = new float[size * size * 3];
        double c = size / 2.0;
        double cos = Math.cos(d.angle());
        double sin = Math.sin(d.angle());
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double u = (x + 0.5 - c) * d.zoom();
                double v = (y + 0.5 - c) * d.zoom();
                double su = u * cos - v * sin - d.dx();
                double sv = u * sin + v * cos - d.dy();
                if (d.flip()) {
                    su = -su;
                }
                sample(pixels, size, su + c - 0.5, sv + c - 0.5, fill, out, 3 * (y * size + x));
            }
        }
        if (d.contrast() != 1) {
            contrast(out, d.contrast());
        }
        byte[] result = new byte[out.length];
        for (int i = 0; i < out.length; i++) {
            result[i] = (byte) Math.round(Math.max(0, Math.min(255, out[i])));
        }
        if (d.cutout() > 0) {
            cutout(result, size, d);
        }
        return result;
    }

    private static void cutout(byte[] img, int size, Draw d) {
        int top = d.cutoutY() - d.cutout() / 2;
        int left = d.cutoutX() - d.cutout() / 2;
        int x0 = Math.max(0, left);
        int x1 = Math.min(size, left + d.cutout());
        if (x0 >= x1) {
            return;
        }
        for (int y = Math.max(0, top); y < Math.min(size, top + d.cutout()); y++) {
            java.util.Arrays.fill(img, 3 * (y * size + x0), 3 * (y * size + x1), (byte) 0);
        }
    }

    /** Bilinear sample at (sx, sy) in pixel coordinates (centre of pixel i at i) into out[o..o+2]. */
    private static void sample(byte[] px, int size, double sx, double sy, AugmentOptions.FillMode fill, float[] out,
                               int o) {
        int x0 = (int) Math.floor(sx);
        int y0 = (int) Math.floor(sy);
        double fx = sx - x0;
        double fy = sy - y0;
        for (int ch = 0; ch < 3; ch++) {
            double top = (1 - fx) * value(px, size, x0, y0, ch, fill) + fx * value(px, size, x0 + 1, y0, ch, fill);
            double bottom = (1 - fx) * value(px, size, x0, y0 + 1, ch, fill)
                    + fx * value(px, size, x0 + 1, y0 + 1, ch, fill);
            out[o + ch] = (float) ((1 - fy) * top + fy * bottom);
        }
    }

    private static int value(byte[] px, int size, int x, int y, int ch, AugmentOptions.FillMode fill) {
        int ix = index(x, size, fill);
        int iy = index(y, size, fill);
        return ix < 0 || iy < 0 ? 0 : px[3 * (iy * size + ix) + ch] & 0xFF;
    }

    /**
     * An index into 0..n-1 for a coordinate that may lie outside, by fill mode (TensorFlow's
     * ImageProjectiveTransform conventions); -1 for constant fill.
     */
    static int index(int i, int n, AugmentOptions.FillMode fill) {
        if (i >= 0 && i < n) {
            return i;
        }
        return switch (fill) {
            case REFLECT -> {
                int m = Math.floorMod(i, 2 * n);
                yield m < n ? m : 2 * n - 1 - m;
            }
            case WRAP -> Math.floorMod(i, n);
            case NEAREST -> Math.max(0, Math.min(n - 1, i));
            case CONSTANT -> -1;
        };
    }

    /** Keras RandomContrast: per channel, (x - mean) * factor + mean. */
    private static void contrast(float[] img, double factor) {
        for (int ch = 0; ch < 3; ch++) {
            double sum = 0;
            for (int i = ch; i < img.length; i += 3) {
                sum += img[i];
            }
            double mean = sum / (img.length / 3.0);
            for (int i = ch; i < img.length; i += 3) {
                img[i] = (float) ((img[i] - mean) * factor + mean);
            }
        }
    }

    private static double uniform(SplittableRandom r, double f) {
        return r.nextDouble(-f, f);
    }
}
