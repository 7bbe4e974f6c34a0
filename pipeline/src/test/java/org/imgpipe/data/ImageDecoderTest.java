package org.imgpipe.data;

import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageDecoderTest {
    private final ImageDecoder decoder32 = new ImageDecoder(32);

    private static byte[] encode(BufferedImage img, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(img, format, out), "no writer for " + format);
        return out.toByteArray();
    }

    /** A 32x32 image whose pixel (x, y) is (x*8, y*8, (x+y)*4). */
    private static BufferedImage gradient(int type) {
        BufferedImage img = new BufferedImage(32, 32, type);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                img.setRGB(x, y, 0x7F000000 | (x * 8) << 16 | (y * 8) << 8 | (x + y) * 4);
            }
        }
        return img;
    }

    private static void assertGradient(byte[] px) {
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                int i = (y * 32 + x) * 3;
                assertEquals(x * 8, px[i] & 0xFF, "R at " + x + "," + y);
                assertEquals(y * 8, px[i + 1] & 0xFF, "G at " + x + "," + y);
                assertEquals((x + y) * 4, px[i + 2] & 0xFF, "B at " + x + "," + y);
            }
        }
    }

    @Test
    void pngAndBmpDecodeToExactRowMajorRgb() throws Exception {
        assertGradient(decoder32.decode(encode(gradient(BufferedImage.TYPE_INT_RGB), "png")));
        assertGradient(decoder32.decode(encode(gradient(BufferedImage.TYPE_3BYTE_BGR), "bmp")));
    }

    @Test
    void alphaIsDroppedNotBlended() throws Exception {
        assertGradient(decoder32.decode(encode(gradient(BufferedImage.TYPE_INT_ARGB), "png")));
    }

    @Test
    void grayscaleIsReplicatedWithoutGammaChange() throws Exception {
        BufferedImage gray = new BufferedImage(32, 32, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster r = gray.getRaster();
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                r.setSample(x, y, 0, x * 8);
            }
        }
        byte[] px = decoder32.decode(encode(gray, "png"));
        assertEquals(128, px[(5 * 32 + 16) * 3] & 0xFF);
        for (int i = 0; i < px.length; i += 3) {
            int x = (i / 3) % 32;
            assertEquals(x * 8, px[i] & 0xFF);
            assertEquals(x * 8, px[i + 1] & 0xFF);
            assertEquals(x * 8, px[i + 2] & 0xFF);
        }
    }

    @Test
    void sixteenBitGrayIsScaledTo8Bit() throws Exception {
        BufferedImage gray = new BufferedImage(32, 32, BufferedImage.TYPE_USHORT_GRAY);
        gray.getRaster().setSample(0, 0, 0, 65535);
        gray.getRaster().setSample(1, 0, 0, 257 * 100);
        byte[] px = decoder32.decode(encode(gray, "png"));
        assertEquals(255, px[0] & 0xFF);
        assertEquals(100, px[3] & 0xFF);
        assertEquals(0, px[6] & 0xFF);
    }

    @Test
    void palettedGifDecodesToItsColours() throws Exception {
        byte[] reds = {(byte) 200, 10};
        byte[] greens = {(byte) 100, 20};
        byte[] blues = {50, 30};
        BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_BYTE_INDEXED,
                new IndexColorModel(1, 2, reds, greens, blues));
        img.getRaster().setSample(3, 0, 0, 1);
        byte[] px = decoder32.decode(encode(img, "gif"));
        assertArrayEquals(new byte[]{(byte) 200, 100, 50}, Arrays.copyOfRange(px, 0, 3));
        assertArrayEquals(new byte[]{10, 20, 30}, Arrays.copyOfRange(px, 9, 12));
    }

    @Test
    void jpegDecodesCloseToItsSource() throws Exception {
        BufferedImage flat = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                flat.setRGB(x, y, 0x40A0C0);
            }
        }
        byte[] px = decoder32.decode(encode(flat, "jpg"));
        assertEquals(0x40, px[0] & 0xFF, 3);
        assertEquals(0xA0, px[1] & 0xFF, 3);
        assertEquals(0xC0, px[2] & 0xFF, 3);
    }

    @Test
    void downscalingTwoByTwoBlocksGivesTheBlockValues() throws Exception {
        BufferedImage big = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                big.setRGB(x, y, (x / 2) * 8 << 16 | (y / 2) * 8 << 8 | ((x / 2) + (y / 2)) * 4);
            }
        }
        assertGradient(decoder32.decode(encode(big, "png")));
    }

    @Test
    void upscalingUsesHalfPixelBilinearWeights() {
        // One row 0, 100 -> 4 pixels: source positions -0.25, 0.25, 0.75, 1.25 (TensorFlow's weights).
        byte[] src = {0, 0, 0, 100, 100, 100, 0, 0, 0, 100, 100, 100};
        byte[] out = BilinearResizer.resize(src, 2, 2, 4, 4);
        int[] expectedRow = {0, 25, 75, 100};
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                assertEquals(expectedRow[x], out[(y * 4 + x) * 3] & 0xFF, "pixel " + x + "," + y);
            }
        }
    }

    @Test
    void nonSquareImagesAreResizedToTheSquareSize() throws Exception {
        BufferedImage wide = new BufferedImage(300, 7, BufferedImage.TYPE_INT_RGB);
        assertEquals(32 * 32 * 3, decoder32.decode(encode(wide, "png")).length);
        BufferedImage tiny = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        tiny.setRGB(0, 0, 0x123456);
        byte[] px = decoder32.decode(encode(tiny, "png"));
        assertEquals(0x12, px[px.length - 3] & 0xFF);
        assertEquals(0x56, px[px.length - 1] & 0xFF);
    }

    @Test
    void brokenFilesAreRejectedWithAReason() throws Exception {
        byte[] png = encode(gradient(BufferedImage.TYPE_INT_RGB), "png");
        UndecodableImageException truncated = assertThrows(UndecodableImageException.class,
                () -> decoder32.decode(Arrays.copyOf(png, png.length / 2)));
        assertTrue(truncated.getMessage().startsWith("corrupt image"), truncated.getMessage());
        assertEquals("empty file", assertThrows(UndecodableImageException.class,
                () -> decoder32.decode(new byte[0])).getMessage());
        assertEquals("not a PNG, JPEG, BMP or GIF image", assertThrows(UndecodableImageException.class,
                () -> decoder32.decode("just some text".getBytes(StandardCharsets.UTF_8))).getMessage());
    }

    /** The gradient PNG with a tRNS chunk after IHDR making black transparent: ImageIO's first type then has alpha. */
    private static byte[] pngWithTransparentColour() throws IOException {
        byte[] png = encode(gradient(BufferedImage.TYPE_INT_RGB), "png");
        int afterHeader = 8 + 25;
        byte[] type = "tRNS".getBytes(StandardCharsets.US_ASCII);
        byte[] data = new byte[6];
        CRC32 crc = new CRC32();
        crc.update(type);
        crc.update(data);
        ByteBuffer chunk = ByteBuffer.allocate(4 + 4 + data.length + 4).putInt(data.length).put(type).put(data)
                .putInt((int) crc.getValue());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(png, 0, afterHeader);
        out.write(chunk.array());
        out.write(png, afterHeader, png.length - afterHeader);
        return out.toByteArray();
    }

    @Test
    void aTransparentColourIsDroppedLikeAlpha() throws Exception {
        assertGradient(decoder32.decode(pngWithTransparentColour()));
    }

    /** Decodes on a thread of its own, so with readers that thread has not kept yet. */
    private static <T> T onNewThread(Callable<T> work) throws Exception {
        FutureTask<T> task = new FutureTask<>(work);
        new Thread(task).start();
        return task.get();
    }

    /**
     * Readers are kept per thread and reused: formats in turn, a file that failed and one too short for
     * any signature leave none in a bad state, and every answer is the one a fresh thread gives.
     */
    @Test
    void keptReadersDecodeEveryFormatInTurn() throws Exception {
        byte[] png = encode(gradient(BufferedImage.TYPE_INT_RGB), "png");
        byte[] bmp = encode(gradient(BufferedImage.TYPE_3BYTE_BGR), "bmp");
        byte[] jpeg = encode(gradient(BufferedImage.TYPE_INT_RGB), "jpeg");
        byte[] transparent = pngWithTransparentColour();
        byte[] jpegAlone = onNewThread(() -> new ImageDecoder(32).decode(jpeg));
        onNewThread(() -> {
            ImageDecoder decoder = new ImageDecoder(32);
            for (int round = 0; round < 3; round++) {
                assertGradient(decoder.decode(png));
                // Asked of the kept PNG reader's provider first, which needs 8 bytes.
                assertEquals("not a PNG, JPEG, BMP or GIF image", assertThrows(UndecodableImageException.class,
                        () -> decoder.decode(new byte[]{1, 2, 3})).getMessage());
                assertTrue(assertThrows(UndecodableImageException.class,
                        () -> decoder.decode(Arrays.copyOf(png, png.length / 2))).getMessage().startsWith("corrupt"));
                assertGradient(decoder.decode(bmp));
                assertArrayEquals(jpegAlone, decoder.decode(jpeg));
                assertGradient(decoder.decode(transparent));
            }
            return null;
        });
    }
}
