package org.imgpipe.data;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.util.List;
import java.util.Random;

/**
 * A small synthetic data set in the fold layout, for running the pipeline offline: ten classes, each
 * a shape of its own colour on a random dark background with a random position, size and pixel
 * noise, so a CNN can learn them in an epoch or two but not from a single pixel.
 */
public final class SampleDataGenerator {
    /** The sample data's class-folder names, in label order. */
    public static final List<String> CLASS_NAMES = List.of("000_red_disc", "001_green_square",
            "002_blue_triangle", "003_yellow_hstripes", "004_cyan_vstripes", "005_magenta_checker",
            "006_white_cross", "007_orange_ring", "008_gray_diagonal", "009_purple_dots");
    private static final int[][] COLORS = {{220, 40, 40}, {40, 200, 60}, {50, 80, 230}, {230, 220, 40},
            {40, 210, 220}, {210, 50, 200}, {235, 235, 235}, {245, 140, 30}, {150, 150, 150}, {130, 60, 200}};
    private static final int NOISE = 24;

    private final int size;
    private final int imagesPerClass;
    private final long seed;

    /**
     * @param size the side of the square images, in pixels
     * @param imagesPerClass the images of each class written to every fold
     * @param seed the seed of the images' random content; the same seed gives the same data set
     */
    public SampleDataGenerator(int size, int imagesPerClass, long seed) {
        this.size = size;
        this.imagesPerClass = imagesPerClass;
        this.seed = seed;
    }

    /** Writes every fold under root (replacing what was there); returns the number of images. */
    public long generate(Path root, List<String> folds, Configuration conf) throws IOException {
        long n = 0;
        try (FoldWriter writer = new FoldWriter(root, conf)) {
            for (int f = 0; f < folds.size(); f++) {
                Random rnd = new Random(seed * 1_000_003L + f);
                for (int c = 0; c < CLASS_NAMES.size(); c++) {
                    for (int i = 0; i < imagesPerClass; i++) {
                        writer.write(folds.get(f), CLASS_NAMES.get(c), String.format("%04d.png", i), image(c, rnd), size);
                        n++;
                    }
                }
            }
            writer.commit();
        }
        return n;
    }

    /** One image of class c, HWC RGB. */
    public byte[] image(int c, Random rnd) {
        int[] bg = {rnd.nextInt(70), rnd.nextInt(70), rnd.nextInt(70)};
        double cx = size * (0.35 + 0.3 * rnd.nextDouble());
        double cy = size * (0.35 + 0.3 * rnd.nextDouble());
        double r = size * (0.22 + 0.12 * rnd.nextDouble());
        int period = 3 + rnd.nextInt(3);
        byte[] px = new byte[size * size * 3];
        for (int y = 0, i = 0; y < size; y++) {
            for (int x = 0; x < size; x++, i += 3) {
                boolean on = inside(c, x - cx, y - cy, r, x, y, period);
                for (int ch = 0; ch < 3; ch++) {
                    int v = (on ? COLORS[c][ch] : bg[ch]) + rnd.nextInt(2 * NOISE + 1) - NOISE;
                    px[i + ch] = (byte) Math.max(0, Math.min(255, v));
                }
            }
        }
        return px;
    }

    private static boolean inside(int c, double dx, double dy, double r, int x, int y, int period) {
        double d = Math.hypot(dx, dy);
        boolean box = Math.abs(dx) <= r && Math.abs(dy) <= r;
        return switch (c) {
            case 0 -> d <= r;
            case 1 -> box;
            case 2 -> dy <= r && dy >= -r && Math.abs(dx) <= (dy + r) / 2;
            case 3 -> box && (y / period) % 2 == 0;
            case 4 -> box && (x / period) % 2 == 0;
            case 5 -> box && ((x / period) + (y / period)) % 2 == 0;
            case 6 -> box && (Math.abs(dx) <= r / 3 || Math.abs(dy) <= r / 3);
            case 7 -> d <= r && d >= r * 0.6;
            case 8 -> box && Math.abs(dx - dy) <= r / 3;
            default -> box && (x % period == 0) && (y % period == 0);
        };
    }
}
