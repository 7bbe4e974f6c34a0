package org.imgpipe.report;

import org.imgpipe.base.EpochResult;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The packaged reference figures, as notebooks-export/reference/ holds them. */
class ReferenceRunTest {
    @Test
    void historyAsTheNotebookLoggedIt() {
        ReferenceRun ref = ReferenceRun.load();
        List<EpochResult> h = ref.history();
        assertEquals(38, h.size());
        assertTrue(Double.isNaN(h.get(0).accuracy()), "epoch 1 is known only by its val_loss");
        assertEquals(2.43643, h.get(0).valLoss());
        assertEquals(0.6529, h.get(1).valAccuracy());
        assertEquals(List.of(21), HistoryFigures.lrDrops(h));
        assertEquals(31, HistoryFigures.peakValAccuracy(h).get().epoch());
        assertEquals(0.8435, HistoryFigures.peakValAccuracy(h).get().valAccuracy());
        assertEquals(38, HistoryFigures.bestValLoss(h).get().epoch());
        assertEquals(0.94426, HistoryFigures.bestValLoss(h).get().valLoss());
        assertEquals(0.834, ref.metric("accuracy"));
        assertEquals("cat / dog", ref.mostConfusedPair());
        assertTrue(Double.isNaN(ref.metric("no_such_figure")));
    }

    @Test
    void emptyHistoryHasNoPeakAndNoDrop() throws IOException {
        List<EpochResult> none = ReferenceRun.readHistory(stream("epoch,loss,accuracy,val_loss,val_accuracy,lr\n"));
        assertEquals(List.of(), none);
        assertTrue(HistoryFigures.peakValAccuracy(none).isEmpty());
        assertTrue(HistoryFigures.bestValLoss(none).isEmpty());
        assertEquals(List.of(), HistoryFigures.lrDrops(none));
    }

    @Test
    void aCellThatIsNotANumberIsAnError() {
        assertThrows(IOException.class, () -> ReferenceRun.readHistory(
                stream("epoch,loss,accuracy,val_loss,val_accuracy,lr\n1,abc,,,,0.001\n")));
    }

    private static ByteArrayInputStream stream(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }
}
