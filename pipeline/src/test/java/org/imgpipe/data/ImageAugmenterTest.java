package org.imgpipe.data;

import org.imgpipe.config.AugmentOptions;
import org.imgpipe.config.AugmentOptions.FillMode;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each transform on small hand-made images with the pixels written out. */
class ImageAugmenterTest {
    /** A 1-channel view: an image whose R, G and B are all v (so expectations fit on one line). */
    private static byte[] gray(int... v) {
        byte[] px = new byte[v.length * 3];
        for (int i = 0; i < v.length; i++) {
            px[3 * i] = px[3 * i + 1] = px[3 * i + 2] = (byte) v[i];
        }
        return px;
    }

    private static int[] red(byte[] px) {
        int[] r = new int[px.length / 3];
        for (int i = 0; i < r.length; i++) {
            r[i] = px[3 * i] & 0xFF;
        }
        return r;
    }

    private static ImageAugmenter.Draw shift(double dx, double dy) {
        return new ImageAugmenter.Draw(false, dx, dy, 0, 1, 1);
    }

    // 3x3, row-major:  10 20 30 / 40 50 60 / 70 80 90
    private static final byte[] NINE = gray(10, 20, 30, 40, 50, 60, 70, 80, 90);

    @Test
    void horizontalFlipMirrorsEachRow() {
        byte[] out = ImageAugmenter.apply(NINE, 3, new ImageAugmenter.Draw(true, 0, 0, 0, 1, 1), FillMode.REFLECT);
        assertArrayEquals(new int[]{30, 20, 10, 60, 50, 40, 90, 80, 70}, red(out));
    }

    @Test
    void wholePixelShiftWithEachFillMode() {
        // one pixel right: column 0 comes from column -1
        assertArrayEquals(new int[]{10, 10, 20, 40, 40, 50, 70, 70, 80},
                red(ImageAugmenter.apply(NINE, 3, shift(1, 0), FillMode.REFLECT)));
        assertArrayEquals(new int[]{30, 10, 20, 60, 40, 50, 90, 70, 80},
                red(ImageAugmenter.apply(NINE, 3, shift(1, 0), FillMode.WRAP)));
        assertArrayEquals(new int[]{0, 10, 20, 0, 40, 50, 0, 70, 80},
                red(ImageAugmenter.apply(NINE, 3, shift(1, 0), FillMode.CONSTANT)));
        // two pixels up: rows 1, 2 come from rows 3, 4 (reflect: d c b a | a b c d | d c b a)
        assertArrayEquals(new int[]{70, 80, 90, 70, 80, 90, 40, 50, 60},
                red(ImageAugmenter.apply(NINE, 3, shift(0, -2), FillMode.REFLECT)));
        assertArrayEquals(new int[]{70, 80, 90, 70, 80, 90, 70, 80, 90},
                red(ImageAugmenter.apply(NINE, 3, shift(0, -2), FillMode.NEAREST)));
    }

    @Test
    void halfPixelShiftIsBilinear() {
        assertArrayEquals(new int[]{10, 15, 25, 40, 45, 55, 70, 75, 85},
                red(ImageAugmenter.apply(NINE, 3, shift(0.5, 0), FillMode.REFLECT)));
    }

    @Test
    void quarterTurnCounterClockwise() {
        // a b / c d turned a quarter counter-clockwise is b d / a c
        byte[] abcd = gray(1, 2, 3, 4);
        byte[] out = ImageAugmenter.apply(abcd, 2, new ImageAugmenter.Draw(false, 0, 0, Math.PI / 2, 1, 1),
                FillMode.REFLECT);
        assertArrayEquals(new int[]{2, 4, 1, 3}, red(out));
        assertArrayEquals(new int[]{3, 1, 4, 2}, red(ImageAugmenter.apply(abcd, 2,
                new ImageAugmenter.Draw(false, 0, 0, -Math.PI / 2, 1, 1), FillMode.REFLECT)));
    }

    @Test
    void zoomOutByTwoSamplesTwiceTheArea() {
        // 4x4 ramp 0..15 by column; zoom 2 with nearest fill: centre pixels sample +-1 and +-3 from centre
        byte[] ramp = new byte[4 * 4 * 3];
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                for (int c = 0; c < 3; c++) {
                    ramp[3 * (4 * y + x) + c] = (byte) (x * 10);
                }
            }
        }
        int[] row = red(ImageAugmenter.apply(ramp, 4, new ImageAugmenter.Draw(false, 0, 0, 0, 2, 1),
                FillMode.NEAREST));
        // output x centres -1.5, -0.5, 0.5, 1.5 sample -3, -1, 1, 3 about the centre: pixels -1.5, 0.5, 2.5, 4.5
        assertArrayEquals(new int[]{0, 5, 25, 30}, new int[]{row[0], row[1], row[2], row[3]});
    }

    @Test
    void contrastAboutEachChannelsMean() {
        assertArrayEquals(NINE, ImageAugmenter.apply(NINE, 3, ImageAugmenter.Draw.IDENTITY, FillMode.REFLECT));
        // channel means 20, 40, 200
        byte[] two = {10, 30, (byte) 180, 30, 50, (byte) 220, 10, 30, (byte) 180, 30, 50, (byte) 220};
        byte[] out = ImageAugmenter.apply(two, 2, new ImageAugmenter.Draw(false, 0, 0, 0, 1, 2), FillMode.REFLECT);
        assertArrayEquals(new byte[]{0, 20, (byte) 160, 40, 60, (byte) 240, 0, 20, (byte) 160, 40, 60, (byte) 240},
                out);
        byte[] half = ImageAugmenter.apply(two, 2, new ImageAugmenter.Draw(false, 0, 0, 0, 1, 0.5), FillMode.REFLECT);
        assertArrayEquals(new byte[]{15, 35, (byte) 190, 25, 45, (byte) 210, 15, 35, (byte) 190, 25, 45, (byte) 210},
                half);
        byte[] clipped = ImageAugmenter.apply(gray(0, 250, 0, 250), 2, new ImageAugmenter.Draw(false, 0, 0, 0, 1, 3),
                FillMode.REFLECT);
        assertArrayEquals(new int[]{0, 255, 0, 255}, red(clipped));
    }

    /** A 4x4 colour image: pixel i (row-major) is (i + 1, i + 101, i + 201) - 0 would not show a filled pixel. */
    private static byte[] colour16() {
        byte[] px = new byte[48];
        for (int i = 0; i < 16; i++) {
            px[3 * i] = (byte) (i + 1);
            px[3 * i + 1] = (byte) (i + 101);
            px[3 * i + 2] = (byte) (i + 201);
        }
        return px;
    }

    /** The image with the given pixels (row-major indices) black in all three channels. */
    private static byte[] blacked(byte[] px, int... pixels) {
        byte[] out = px.clone();
        for (int p : pixels) {
            out[3 * p] = out[3 * p + 1] = out[3 * p + 2] = 0;
        }
        return out;
    }

    private static byte[] cutout(byte[] px, boolean flip, double contrast, int side, int x, int y) {
        return ImageAugmenter.apply(px, 4, new ImageAugmenter.Draw(flip, 0, 0, 0, 1, contrast, side, x, y),
                FillMode.REFLECT);
    }

    @Test
    void cutoutBlacksOutASquareClippedAtTheEdges() {
        byte[] img = colour16();
        // even side 2 around (x 1, y 1): rows and columns 0..1 (the centre is the lower-right of the middle four)
        assertArrayEquals(blacked(img, 0, 1, 4, 5), cutout(img, false, 1, 2, 1, 1));
        // odd side 3 around (x 3, y 2): rows 1..3, columns 2..3 (column 4 is outside)
        assertArrayEquals(blacked(img, 6, 7, 10, 11, 14, 15), cutout(img, false, 1, 3, 3, 2));
        // odd side 3 around (x 0, y 0): rows and columns -1..1, clipped to 0..1
        assertArrayEquals(blacked(img, 0, 1, 4, 5), cutout(img, false, 1, 3, 0, 0));
        // a centre outside the image (only a hand-made draw has one) blacks out nothing
        assertArrayEquals(img, cutout(img, false, 1, 2, 10, 3));
    }

    @Test
    void cutoutComesAfterTheFlipAndTheContrast() {
        byte[] img = colour16();
        byte[] flipped = ImageAugmenter.apply(img, 4, new ImageAugmenter.Draw(true, 0, 0, 0, 1, 1), FillMode.REFLECT);
        // side 4 around (x 0, y 1) of the mirrored image: rows -1..2 and columns -2..1, clipped
        assertArrayEquals(blacked(flipped, 0, 1, 4, 5, 8, 9), cutout(img, true, 1, 4, 0, 1));
        byte[] contrasted = ImageAugmenter.apply(img, 4, new ImageAugmenter.Draw(false, 0, 0, 0, 1, 1.5),
                FillMode.REFLECT);
        assertArrayEquals(blacked(contrasted, 10, 11, 14, 15), cutout(img, false, 1.5, 2, 3, 3));
    }

    @Test
    void cutoutIsDrawnAfterTheOtherTransformsWhichKeepTheirDraws() {
        ImageAugmenter without = new ImageAugmenter(new AugmentOptions(true, 0, 4, 0, 0, 0.3, 0, FillMode.REFLECT));
        ImageAugmenter with = new ImageAugmenter(new AugmentOptions(true, 0, 4, 0, 0, 0.3, 8, FillMode.REFLECT));
        Set<Integer> xs = new HashSet<>();
        Set<Integer> ys = new HashSet<>();
        for (long k = 0; k < 2000; k++) {
            ImageAugmenter.Draw a = without.draw(k, 32);
            ImageAugmenter.Draw b = with.draw(k, 32);
            assertEquals(new ImageAugmenter.Draw(a.flip(), a.dx(), a.dy(), a.angle(), a.zoom(), a.contrast(), 8,
                    b.cutoutX(), b.cutoutY()), b);
            xs.add(b.cutoutX());
            ys.add(b.cutoutY());
        }
        // Centres anywhere in the image, the edges included (not only where the whole square fits).
        Set<Integer> all = new HashSet<>();
        for (int i = 0; i < 32; i++) {
            all.add(i);
        }
        assertEquals(all, xs);
        assertEquals(all, ys);
    }

    @Test
    void theSameKeyGivesTheSameDrawAndImage() {
        ImageAugmenter a = new ImageAugmenter(new AugmentOptions(true, 0, 4, 0.1, 0.2, 0.3, 0, FillMode.REFLECT));
        assertEquals(a.draw(12345L, 32), a.draw(12345L, 32));
        assertArrayEquals(a.apply(NINE, 3, 99L), a.apply(NINE, 3, 99L));
        Set<ImageAugmenter.Draw> draws = new HashSet<>();
        for (long k = 0; k < 200; k++) {
            ImageAugmenter.Draw d = a.draw(k, 32);
            assertTrue(Math.abs(d.dx()) <= 4 && d.dx() == Math.rint(d.dx()), "pad-crop shifts whole pixels: " + d);
            assertTrue(Math.abs(d.angle()) <= 0.1 * 2 * Math.PI, d.toString());
            assertTrue(d.zoom() >= 0.8 && d.zoom() <= 1.2, d.toString());
            assertTrue(d.contrast() >= 0.7 && d.contrast() <= 1.3, d.toString());
            draws.add(d);
        }
        assertEquals(200, draws.size(), "each key draws its own transform");
        long flips = draws.stream().filter(ImageAugmenter.Draw::flip).count();
        assertTrue(flips > 60 && flips < 140, "about half flipped: " + flips);
    }

    @Test
    void offLeavesTheImageAloneAndOnNeverChangesTheInput() {
        assertSame(NINE, new ImageAugmenter(AugmentOptions.none()).apply(NINE, 3, 7L));
        byte[] copy = NINE.clone();
        byte[] out = new ImageAugmenter(new AugmentOptions(true, 0.3, 0, 0, 0, 0.5, 0, FillMode.WRAP)).apply(NINE, 3, 7L);
        assertArrayEquals(copy, NINE);
        assertNotEquals(NINE, out);
    }

    @Test
    void fillModeIndices() {
        assertEquals(0, ImageAugmenter.index(-1, 4, FillMode.REFLECT));
        assertEquals(1, ImageAugmenter.index(-2, 4, FillMode.REFLECT));
        assertEquals(3, ImageAugmenter.index(4, 4, FillMode.REFLECT));
        assertEquals(0, ImageAugmenter.index(8, 4, FillMode.REFLECT));
        assertEquals(3, ImageAugmenter.index(-1, 4, FillMode.WRAP));
        assertEquals(0, ImageAugmenter.index(-9, 4, FillMode.NEAREST));
        assertEquals(-1, ImageAugmenter.index(4, 4, FillMode.CONSTANT));
        assertEquals(2, ImageAugmenter.index(2, 4, FillMode.CONSTANT));
    }
}
