package org.imgpipe.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * A grid of small images, each enlarged by whole pixels (nearest neighbour, no blurring) with a
 * caption of one or more lines beneath, as the notebook's sample grid shows CIFAR images with their
 * class names. Drawn with Java2D, encoded by ImageIO.
 */
public final class ImageGrid {
    static final int PAD = 6;
    static final int LINE = 14;
    private static final Font FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);

    private ImageGrid() {
    }

    /**
     * One image of the grid.
     *
     * @param pixels  the image as row-major HWC RGB uint8, {@code size * size * 3} bytes; null leaves
     *                the cell empty
     * @param caption text under it; {@code \n} separates lines
     */
    public record Tile(byte[] pixels, String caption) {
        /** An empty cell, to end a row early. */
        public static final Tile EMPTY = new Tile(null, "");
    }

    /**
     * Draws the tiles row by row.
     *
     * @param tiles   the images, all {@code size x size}
     * @param columns tiles per row, at least 1
     * @param size    the images' side in pixels
     * @param scale   the enlargement, at least 1: each source pixel becomes a {@code scale x scale} block
     * @return the grid on a white background: cells {@code 2*PAD} pixels wider than the enlarged image,
     *         or than the widest caption line where that is wider (up to 2.5 times the image)
     * @throws IllegalArgumentException when a tile's pixel count is not {@code size * size * 3}
     * @throws java.awt.AWTError or another {@link Error} when the JVM has no font (see {@link Fonts})
     */
    public static BufferedImage draw(List<Tile> tiles, int columns, int size, int scale) {
        int lines = tiles.stream().mapToInt(t -> t.caption().split("\n", -1).length).max().orElse(1);
        int captionW = captionWidth(tiles);
        int cellW = Math.max(size * scale, Math.min(captionW, size * scale * 5 / 2)) + 2 * PAD;
        int cellH = size * scale + 2 * PAD + lines * LINE;
        int rows = Math.max(1, (tiles.size() + columns - 1) / columns);
        BufferedImage img = new BufferedImage(Math.max(1, Math.min(columns, tiles.size())) * cellW, rows * cellH,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, img.getWidth(), img.getHeight());
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setFont(FONT);
            g.setColor(Color.DARK_GRAY);
            FontMetrics fm = g.getFontMetrics();
            for (int t = 0; t < tiles.size(); t++) {
                int x0 = (t % columns) * cellW + (cellW - size * scale) / 2;
                int y0 = (t / columns) * cellH + PAD;
                if (tiles.get(t).pixels() != null) {
                    blit(img, tiles.get(t).pixels(), size, scale, x0, y0);
                }
                String[] caption = tiles.get(t).caption().split("\n", -1);
                for (int l = 0; l < caption.length; l++) {
                    String text = fit(caption[l], fm, cellW - 2);
                    g.drawString(text, (t % columns) * cellW + (cellW - fm.stringWidth(text)) / 2,
                            y0 + size * scale + (l + 1) * LINE);
                }
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    /** The widest caption line in pixels, measured with the grid's font. */
    private static int captionWidth(List<Tile> tiles) {
        Graphics2D g = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
        try {
            FontMetrics fm = g.getFontMetrics(FONT);
            int w = 0;
            for (Tile t : tiles) {
                for (String line : t.caption().split("\n", -1)) {
                    w = Math.max(w, fm.stringWidth(line));
                }
            }
            return w;
        } finally {
            g.dispose();
        }
    }

    private static void blit(BufferedImage img, byte[] px, int size, int scale, int x0, int y0) {
        if (px.length != size * size * 3) {
            throw new IllegalArgumentException("image of " + px.length + " bytes, expected " + size * size * 3);
        }
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int i = 3 * (y * size + x);
                int rgb = (px[i] & 0xFF) << 16 | (px[i + 1] & 0xFF) << 8 | (px[i + 2] & 0xFF);
                for (int dy = 0; dy < scale; dy++) {
                    for (int dx = 0; dx < scale; dx++) {
                        img.setRGB(x0 + x * scale + dx, y0 + y * scale + dy, rgb);
                    }
                }
            }
        }
    }

    /** The text, shortened with an ellipsis until it fits the width. */
    private static String fit(String s, FontMetrics fm, int width) {
        if (fm.stringWidth(s) <= width) {
            return s;
        }
        String cut = s;
        while (!cut.isEmpty() && fm.stringWidth(cut + "…") > width) {
            cut = cut.substring(0, cut.length() - 1);
        }
        return cut + "…";
    }
}
