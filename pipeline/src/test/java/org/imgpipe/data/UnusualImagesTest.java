package org.imgpipe.data;

import org.junit.jupiter.api.Test;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Images a dump may hold that are valid but unusual: tiny, huge, CMYK, 16 bits per channel. */
class UnusualImagesTest {
    private final ImageDecoder decoder = new ImageDecoder(32);

    private static void assertUniform(byte[] px, int r, int g, int b, int tolerance) {
        assertEquals(32 * 32 * 3, px.length);
        for (int i = 0; i < px.length; i += 3) {
            assertEquals(r, px[i] & 0xFF, tolerance, "red at " + i / 3);
            assertEquals(g, px[i + 1] & 0xFF, tolerance, "green at " + i / 3);
            assertEquals(b, px[i + 2] & 0xFF, tolerance, "blue at " + i / 3);
        }
    }

    private static byte[] write(BufferedImage img, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(img, format, out), format);
        return out.toByteArray();
    }

    @Test
    void aOnePixelImageIsUpscaledToItsColour() throws Exception {
        BufferedImage one = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        one.setRGB(0, 0, 0x123456);
        assertUniform(decoder.decode(write(one, "png")), 0x12, 0x34, 0x56, 0);
    }

    @Test
    void aCameraSizedJpegIsDecodedAndDownscaled() throws Exception {
        BufferedImage big = new BufferedImage(4000, 3000, BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = big.createGraphics();
        g.setColor(new java.awt.Color(200, 40, 90));
        g.fillRect(0, 0, 4000, 3000);
        g.dispose();
        assertUniform(decoder.decode(write(big, "jpg")), 200, 40, 90, 3);
    }

    @Test
    void aCmykJpegIsConvertedToRgb() throws Exception {
        // Full cyan ink, nothing else (no red, full green and blue), stored inverted as Adobe
        // applications write CMYK JPEGs; ImageIO's writer adds no APP14 marker, and PIL reads this file
        // as (0, 255, 255) all the same.
        WritableRaster cmyk = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 40, 40, 4, null);
        for (int y = 0; y < 40; y++) {
            for (int x = 0; x < 40; x++) {
                cmyk.setPixel(x, y, new int[]{0, 255, 255, 255});
            }
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(cmyk, null, null), null);
        }
        assertUniform(decoder.decode(bytes.toByteArray()), 0, 255, 255, 1);
    }

    @Test
    void sixteenBitRgbIsScaledTo8Bit() throws Exception {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
                Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster r = cm.createCompatibleWritableRaster(32, 32);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                r.setPixel(x, y, new int[]{65535, 32896, 257});
            }
        }
        assertUniform(decoder.decode(write(new BufferedImage(cm, r, false, null), "png")), 255, 128, 1, 0);
    }
}
