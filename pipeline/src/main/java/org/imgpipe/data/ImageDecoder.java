package org.imgpipe.data;

import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.awt.image.SampleModel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Decodes PNG, JPEG, BMP and GIF bytes into {@code size x size} RGB pixels, row-major HWC uint8 (the
 * layout the model reads). Grayscale is replicated to three channels and alpha is dropped, as Keras'
 * {@code image_dataset_from_directory(color_mode="rgb")} does; other sizes are resized bilinearly.
 * Like PIL, which the reference's loader uses, it refuses an image with more pixels than a limit
 * (read from the header, before any pixel is decoded: a small file can declare a huge image) and an
 * image whose data ends early (a truncated JPEG would otherwise decode as grey below the cut).
 */
public final class ImageDecoder implements Serializable {
    /** PIL's {@code Image.MAX_IMAGE_PIXELS}: 1024 * 1024 * 1024 / 4 / 3. */
    public static final long DEFAULT_MAX_PIXELS = 89_478_485L;

    /** What libjpeg (through ImageIO) warns when the data ends before the image does. */
    private static final Pattern TRUNCATED = Pattern.compile("(?i)premature end|truncated");
    private static final int[] RGB_OFFSETS = {0, 1, 2};

    private final int size;
    private final long maxPixels;

    /** @param size the output side in pixels; images above {@link #DEFAULT_MAX_PIXELS} are refused */
    public ImageDecoder(int size) {
        this(size, DEFAULT_MAX_PIXELS);
    }

    /**
     * @param size      the output side in pixels
     * @param maxPixels the most pixels (width * height) an input image may have
     */
    public ImageDecoder(int size, long maxPixels) {
        this.size = size;
        this.maxPixels = maxPixels;
    }

    /** @return the output side in pixels */
    public int size() {
        return size;
    }

    /**
     * @param encoded the file's bytes
     * @return {@code [size, size, 3]} RGB uint8 pixels, row-major HWC
     * @throws UndecodableImageException naming the reason: empty, not an image, too many pixels,
     *                                   truncated or corrupt, or an unsupported pixel format
     */
    public byte[] decode(byte[] encoded) throws UndecodableImageException {
        if (encoded.length == 0) {
            throw new UndecodableImageException("empty file");
        }
        Decoded d = read(encoded);
        return d.width() == size && d.height() == size ? d.rgb()
                : BilinearResizer.resize(d.rgb(), d.height(), d.width(), size, size);
    }

    /** An image at its own size as HWC RGB uint8. */
    private record Decoded(int width, int height, byte[] rgb) {
    }

    /** Reads the first image, checking its size from the header and refusing a partial decode. */
    private Decoded read(byte[] encoded) throws UndecodableImageException {
        // In memory: ImageIO's default stream for an InputStream caches it in a temporary file.
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(encoded))) {
            ImageReader reader = ImageReaders.borrow(in);
            if (reader == null) {
                throw new UndecodableImageException("not a PNG, JPEG, BMP or GIF image");
            }
            boolean decoded = false;
            long width = 0;
            long height = 0;
            try {
                reader.setInput(in, true, true);
                width = reader.getWidth(0);
                height = reader.getHeight(0);
                if (width * height > maxPixels) {
                    throw new UndecodableImageException(String.format(Locale.ROOT, "%,d x %,d pixels, more than "
                            + "pipeline.data.max-pixels (%,d): a decompression bomb, or raise the limit", width, height,
                            maxPixels));
                }
                List<String> warnings = new ArrayList<>();
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                Decoded d;
                IIOMetadata metadata = "jpeg".equalsIgnoreCase(reader.getFormatName()) ? reader.getImageMetadata(0)
                        : null;
                if (metadata != null && CmykJpeg.isCmyk(metadata)) {
                    d = new Decoded((int) width, (int) height, CmykJpeg.toRgb(reader.readRaster(0, null)));
                } else {
                    d = new Decoded((int) width, (int) height, rgb(reader.read(0, rgbDestination(reader))));
                }
                for (String w : warnings) {
                    if (TRUNCATED.matcher(w).find()) {
                        throw new UndecodableImageException("truncated image, only partly decodable (" + w + ")");
                    }
                }
                decoded = true;
                return d;
            } finally {
                ImageReaders.giveBack(reader, decoded, width * height);
            }
        } catch (IOException | RuntimeException e) {
            throw new UndecodableImageException("corrupt image: " + e.getMessage());
        }
    }

    /**
     * Asks the reader for R, G, B bytes in that order when its own first choice is 8-bit sRGB in another
     * layout: the pixel values are the same, and {@link #toRgb} can then take the decoded bytes as they are
     * instead of reading them back one sample at a time. PNG's first choice is B, G, R (A, B, G, R for an RGB
     * PNG with a tRNS colour, whose alpha is dropped anyway) and it offers R, G, B; the JDK's JPEG reader
     * offers no R, G, B byte layout, so JPEGs decode as before. Any other first choice (palette, gray, other
     * bit depths, another colour space) is left to the reader, so no colour conversion changes.
     */
    private static ImageReadParam rgbDestination(ImageReader reader) throws IOException {
        ImageReadParam param = reader.getDefaultReadParam();
        Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
        if (types == null || !types.hasNext() || !eightBitSrgb(types.next().getColorModel())) {
            return param;
        }
        while (types.hasNext()) {
            ImageTypeSpecifier type = types.next();
            SampleModel sm = type.getSampleModel();
            if (isPackedRgb(type.getColorModel(), sm, sm.getWidth() * 3)) {
                param.setDestinationType(type);
                break;
            }
        }
        return param;
    }

    /** sRGB components of 8 bits each (not a palette, not pixels packed into ints, not 4- or 16-bit samples). */
    private static boolean eightBitSrgb(ColorModel cm) {
        if (!(cm instanceof ComponentColorModel) || !cm.getColorSpace().isCS_sRGB()) {
            return false;
        }
        for (int bits : cm.getComponentSize()) {
            if (bits != 8) {
                return false;
            }
        }
        return true;
    }

    /** Whether pixels are 8-bit R, G, B bytes in turn without alpha, in rows of {@code rowBytes}. */
    private static boolean isPackedRgb(ColorModel cm, SampleModel sm, int rowBytes) {
        return eightBitSrgb(cm) && !cm.hasAlpha() && sm instanceof PixelInterleavedSampleModel p
                && p.getDataType() == DataBuffer.TYPE_BYTE && p.getNumBands() == 3 && p.getPixelStride() == 3
                && p.getScanlineStride() == rowBytes && Arrays.equals(p.getBandOffsets(), RGB_OFFSETS);
    }

    private static byte[] rgb(BufferedImage img) throws UndecodableImageException {
        try {
            return toRgb(img);
        } catch (RuntimeException e) {
            throw new UndecodableImageException("unsupported pixel format: " + e);
        }
    }

    /** The image's RGB pixels, read from the raster so no colour-space conversion alters them. */
    static byte[] toRgb(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        int length = w * h * 3;
        ColorModel cm = img.getColorModel();
        Raster r = img.getRaster();
        int csType = cm.getColorSpace().getType();
        boolean indexed = cm instanceof IndexColorModel;
        if (isPackedRgb(cm, r.getSampleModel(), w * 3) && r.getSampleModelTranslateX() == 0
                && r.getSampleModelTranslateY() == 0 && r.getDataBuffer() instanceof DataBufferByte bytes && bytes.getOffset() == 0
                && bytes.getNumBanks() == 1 && bytes.getData().length == length) {
            // Already RGB HWC bytes (see rgbDestination): the image is ours to hand over.
            return bytes.getData();
        }
        byte[] out = new byte[length];
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
