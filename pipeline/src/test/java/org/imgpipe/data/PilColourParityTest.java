package org.imgpipe.data;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CMYK JPEGs decode to the RGB that PIL's {@code Image.open(f).convert("RGB")} (and TensorFlow's JPEG
 * decoder) give, within 1 per channel. The fixtures under {@code images/} were written by Pillow 9.4
 * ({@code make_cmyk_fixtures.py} beside them, which also printed the expected values written here).
 */
class PilColourParityTest {
    private static final ImageDecoder DECODER = new ImageDecoder(8);

    private static byte[] fixture(String name) throws Exception {
        try (InputStream in = PilColourParityTest.class.getResourceAsStream("/images/" + name)) {
            return in.readAllBytes();
        }
    }

    private static void assertPixel(byte[] px, int x, int y, int... rgb) {
        int i = 3 * (8 * y + x);
        for (int c = 0; c < 3; c++) {
            int got = px[i + c] & 0xFF;
            assertTrue(Math.abs(got - rgb[c]) <= 1, "(" + x + "," + y + ") channel " + c + ": " + got + " vs PIL "
                    + rgb[c]);
        }
    }

    @Test
    void aFlatAdobeCmykJpegGivesPilsRgb() throws Exception {
        byte[] px = DECODER.decode(fixture("cmyk-flat.jpg"));
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                assertPixel(px, x, y, 255, 55, 55);
            }
        }
    }

    @Test
    void aCmykRampGivesPilsRgbAcrossInkAndBlack() throws Exception {
        byte[] px = DECODER.decode(fixture("cmyk-ramp.jpg"));
        int[][] row3 = {{255, 165, 210}, {222, 163, 193}, {190, 161, 176}, {159, 159, 159}, {129, 157, 143},
                {99, 155, 127}, {70, 153, 112}, {41, 151, 96}};
        for (int x = 0; x < 8; x++) {
            assertPixel(px, x, 3, row3[x]);
        }
        int[][] column6 = {{75, 255, 165}, {73, 220, 146}, {71, 186, 129}, {70, 153, 112}, {68, 122, 95},
                {66, 93, 79}, {64, 64, 64}, {63, 38, 50}};
        for (int y = 0; y < 8; y++) {
            assertPixel(px, 6, y, column6[y]);
        }
    }

    @Test
    void withoutTheAdobeMarkerPilStillAssumesInvertedChannels() throws Exception {
        // PIL reads every CMYK JPEG as Adobe's inverted CMYK ("assume adobe conventions"): the same colour.
        byte[] px = DECODER.decode(withoutApp14(fixture("cmyk-flat.jpg")));
        assertPixel(px, 4, 4, 255, 55, 55);
    }

    /** The JPEG without its APP14 (Adobe) segment. */
    private static byte[] withoutApp14(byte[] jpeg) {
        for (int i = 2; i + 3 < jpeg.length; ) {
            int marker = jpeg[i + 1] & 0xFF;
            int length = ((jpeg[i + 2] & 0xFF) << 8) | (jpeg[i + 3] & 0xFF);
            if (marker == 0xEE) {
                byte[] out = new byte[jpeg.length - 2 - length];
                System.arraycopy(jpeg, 0, out, 0, i);
                System.arraycopy(jpeg, i + 2 + length, out, i, jpeg.length - i - 2 - length);
                return out;
            }
            i += 2 + length;
        }
        throw new AssertionError("no APP14 segment in " + Arrays.toString(Arrays.copyOf(jpeg, 32)));
    }
}
