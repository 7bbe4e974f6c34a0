package org.imgpipe.report;

import org.imgpipe.base.EpochMetric;

import org.imgpipe.eval.RocCurve;
import org.imgpipe.base.EpochResult;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The charts are PNGs of the documented sizes, also for empty and one-point inputs; the LR drops they mark. */
class ChartsTest {
    private static BufferedImage image(byte[] png) throws IOException {
        return ImageIO.read(new ByteArrayInputStream(png));
    }

    private static EpochResult epoch(int e, double lr) {
        return new EpochResult(e, 1, 0.5, 1, 0.5, lr, 3);
    }

    @Test
    void lrDropsAreTheEpochsBeforeALowerRate() {
        assertEquals(List.of(2, 4), HistoryFigures.lrDrops(List.of(epoch(1, 1e-3), epoch(2, 1e-3), epoch(3, 1e-4),
                epoch(4, 1e-4), epoch(5, 1e-5))));
        assertEquals(List.of(), HistoryFigures.lrDrops(List.of(epoch(1, 1e-3), epoch(2, 1e-2))));
        assertEquals(List.of(), HistoryFigures.lrDrops(List.of()));
    }

    @Test
    void aRateLoweredAfterEveryEpochIsADecayWithoutStepDrops() {
        List<EpochResult> cosine = List.of(epoch(1, 1e-3), epoch(2, 8e-4), epoch(3, 3e-4), epoch(4, 1e-5));
        assertTrue(HistoryFigures.decaysEveryEpoch(cosine));
        assertEquals(List.of(1, 2, 3), HistoryFigures.lrDrops(cosine));
        assertEquals(List.of(), HistoryFigures.stepDrops(cosine));
        List<EpochResult> plateau = List.of(epoch(1, 1e-3), epoch(2, 1e-3), epoch(3, 1e-4));
        assertFalse(HistoryFigures.decaysEveryEpoch(plateau));
        assertEquals(List.of(2), HistoryFigures.stepDrops(plateau));
        List<EpochResult> twoEpochs = List.of(epoch(1, 1e-3), epoch(2, 1e-4));
        assertFalse(HistoryFigures.decaysEveryEpoch(twoEpochs), "one drop is a step, not a decay");
        assertEquals(List.of(1), HistoryFigures.stepDrops(twoEpochs));
        assertFalse(HistoryFigures.decaysEveryEpoch(List.of(epoch(1, 1e-3))), "one epoch");
        assertFalse(HistoryFigures.decaysEveryEpoch(List.of()));
    }

    @Test
    void chartSizes() throws IOException {
        List<String> classes = List.of("a", "b");
        assertEquals(500, image(Charts.classDistribution("train1", classes, new long[]{3, 0})).getWidth());
        BufferedImage curve = image(Charts.trainingCurve(EpochMetric.ACCURACY, List.of(epoch(1, 1e-3)), List.of()));
        assertEquals(720, curve.getWidth());
        assertEquals(420, curve.getHeight());
        assertEquals(320, image(Charts.epochSeconds(List.of())).getHeight());
        BufferedImage heat = image(Charts.confusionHeatMap("cm", classes, new long[][]{{0, 0}, {0, 0}}));
        assertEquals(160 + 56 * 2, heat.getHeight());
        RocCurve undefined = RocCurve.fromPoints(new double[]{0, 1}, new double[]{Double.NaN, Double.NaN},
                new double[]{0, 0});
        assertEquals(760, image(Charts.rocCurves(List.of("a"), List.of(undefined))).getWidth());
    }
}
