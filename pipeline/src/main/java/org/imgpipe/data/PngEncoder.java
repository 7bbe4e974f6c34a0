package org.imgpipe.data;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/** Encodes interleaved RGB uint8 pixels as an 8-bit RGB PNG. */
public final class PngEncoder {
    private PngEncoder() {
    }

    /**
     * @param rgb the pixels, row-major HWC RGB uint8, {@code height * width * 3} bytes
     * @param height the image height in pixels
     * @param width the image width in pixels
     * @return the PNG file's bytes
     * @throws IOException when ImageIO fails to encode
     */
    public static byte[] encode(byte[] rgb, int height, int width) throws IOException {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0, i = 0; y < height; y++) {
            for (int x = 0; x < width; x++, i += 3) {
                img.setRGB(x, y, (rgb[i] & 0xFF) << 16 | (rgb[i + 1] & 0xFF) << 8 | (rgb[i + 2] & 0xFF));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }
}
