package org.imgpipe.report;

import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Image grids enlarge by whole pixels: every source pixel becomes an exact block. */
class ImageGridTest {
    // 2x2 HWC: red, green / blue, white
    private static final byte[] IMAGE = {(byte) 255, 0, 0, 0, (byte) 255, 0, 0, 0, (byte) 255,
            (byte) 255, (byte) 255, (byte) 255};

    @Test
    void nearestNeighbourBlocksWithExactColours() throws Exception {
        BufferedImage grid = ImageGrid.draw(List.of(new ImageGrid.Tile(IMAGE, ""),
                new ImageGrid.Tile(IMAGE, "")), 2, 2, 3);
        int cell = 2 * 3 + 2 * ImageGrid.PAD;
        assertEquals(2 * cell, grid.getWidth());
        assertEquals(cell + ImageGrid.LINE, grid.getHeight());
        int p = ImageGrid.PAD;
        for (int d = 0; d < 3; d++) {
            assertEquals(0xFF0000, grid.getRGB(p + d, p + d) & 0xFFFFFF);
            assertEquals(0x00FF00, grid.getRGB(p + 3 + d, p + d) & 0xFFFFFF);
            assertEquals(0x0000FF, grid.getRGB(p + d, p + 3 + d) & 0xFFFFFF);
            assertEquals(0xFFFFFF, grid.getRGB(p + 3 + d, p + 3 + d) & 0xFFFFFF);
            assertEquals(0xFF0000, grid.getRGB(cell + p + d, p) & 0xFFFFFF);
        }
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(Png.encode(grid)));
        assertEquals(0x00FF00, decoded.getRGB(p + 4, p + 1) & 0xFFFFFF);
    }

    @Test
    void twoLineCaptionsMakeTallerCells() {
        BufferedImage grid = ImageGrid.draw(List.of(new ImageGrid.Tile(IMAGE, "\n")), 4, 2, 1);
        assertEquals(2 + 2 * ImageGrid.PAD, grid.getWidth());
        assertEquals(2 + 2 * ImageGrid.PAD + 2 * ImageGrid.LINE, grid.getHeight());
    }

    @Test
    void aLongCaptionWidensTheCellsUpTo2point5TimesTheImage() {
        BufferedImage grid = ImageGrid.draw(List.of(new ImageGrid.Tile(IMAGE, "a caption far wider than the image")),
                1, 2, 10);
        assertEquals(50 + 2 * ImageGrid.PAD, grid.getWidth());
        // the image is centred in its cell
        assertEquals(0xFF0000, grid.getRGB(15 + ImageGrid.PAD, ImageGrid.PAD) & 0xFFFFFF);
    }

    @Test
    void anEmptyTileLeavesItsCellWhite() {
        BufferedImage grid = ImageGrid.draw(List.of(ImageGrid.Tile.EMPTY, new ImageGrid.Tile(IMAGE, "")), 2, 2, 1);
        assertEquals(0xFFFFFF, grid.getRGB(ImageGrid.PAD, ImageGrid.PAD) & 0xFFFFFF);
        assertEquals(0xFF0000, grid.getRGB(2 + 3 * ImageGrid.PAD, ImageGrid.PAD) & 0xFFFFFF);
    }

    @Test
    void anImageOfTheWrongSizeIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> ImageGrid.draw(List.of(new ImageGrid.Tile(new byte[5], "x")), 1, 2, 1));
    }
}
