package org.imgpipe.data;

import javax.imageio.ImageIO;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;

/**
 * Decodes PNG, JPEG, BMP and GIF bytes into {@code size x size} RGB pixels, row-major HWC uint8 (the
 * layout the model reads). Grayscale is replicated to three channels and alpha is dropped, as Keras'
 * {@code image_dataset_from_directory(color_mode="rgb")} does; other sizes are resized bilinearly.
 */
public final class ImageDecoder implements Serializable {
    private final int size;

    public ImageDecoder(int size) {
        this.size = size;
    }

    public int size() {
        return size;
    }

    public byte[] decode(byte[] encoded) throws UndecodableImageException {
        if (encoded.length == 0) {
            throw new UndecodableImageException("empty file");
        }
        BufferedImage img;
        try {
            img = ImageIO.read(new ByteArrayInputStream(encoded));
        } catch (IOException | RuntimeException e) {
            throw new UndecodableImageException("corrupt image: " + e.getMessage());
        }
        if (img == null) {
            throw new UndecodableImageException("not a PNG, JPEG, BMP or GIF image");
        }
        int w = img.getWidth();
        int h = img.getHeight();
        byte[] rgb;
        try {
            rgb = toRgb(img);
        } catch (RuntimeException e) {
            throw new UndecodableImageException("unsupported pixel format: " + e);
        }
        return w == size && h == size ? rgb : BilinearResizer.resize(rgb, h, w, size, size);
    }

    /** The image's RGB pixels, read from the raster so no colour-space conversion alters them. */
    static byte[] toRgb(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        byte[] out = new byte[w * h * 3];
        ColorModel cm = img.getColorModel();
        Raster r = img.getRaster();
        int csType = cm.getColorSpace().getType();
        boolean indexed = cm instanceof IndexColorModel;
        if (!indexed && csType == ColorSpace.TYPE_GRAY) {
            // getRGB would apply a linear-to-sRGB curve to Java's linear gray space and brighten it.
            int max = (1 << cm.getComponentSize(0)) - 1;
            for (int y = 0, i = 0; y < h; y++) {
                for (int x = 0; x < w; x++, i += 3) {
                    byte v = to8Bit(r.getSample(x, y, 0), max);
                    out[i] = v;
                    out[i + 1] = v;
                    out[i + 2] = v;
                }
            }
        } else if (!indexed && cm.getColorSpace().isCS_sRGB() && r.getNumBands() >= 3) {
            int[] max = {(1 << cm.getComponentSize(0)) - 1, (1 << cm.getComponentSize(1)) - 1,
                    (1 << cm.getComponentSize(2)) - 1};
            for (int y = 0, i = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    for (int b = 0; b < 3; b++) {
                        out[i++] = to8Bit(r.getSample(x, y, b), max[b]);
                    }
                }
            }
        } else {
            for (int y = 0, i = 0; y < h; y++) {
                for (int x = 0; x < w; x++, i += 3) {
                    int argb = img.getRGB(x, y);
                    out[i] = (byte) (argb >> 16);
                    out[i + 1] = (byte) (argb >> 8);
                    out[i + 2] = (byte) argb;
                }
            }
        }
        return out;
    }

    private static byte to8Bit(int sample, int max) {
        return (byte) (max == 255 ? sample : Math.round(sample * 255.0 / max));
    }
}
