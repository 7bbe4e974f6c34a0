package org.imgpipe.eval;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The most confident mistakes an evaluation keeps, and the evaluation files read back. */
class ConfidentMistakesTest {
    private static ConfidentMistakes.Mistake m(int label, int predicted, float confidence, int pixel) {
        return new ConfidentMistakes.Mistake(label, predicted, confidence, new byte[]{(byte) pixel, 0, 0});
    }

    @Test
    void keepsTheMostConfidentMostConfidentFirst() {
        ConfidentMistakes keeper = new ConfidentMistakes(2);
        keeper.offer(m(0, 1, 0.6f, 1));
        keeper.offer(m(1, 0, 0.9f, 2));
        keeper.offer(m(2, 0, 0.4f, 3));
        keeper.offer(m(2, 1, 0.7f, 4));
        List<ConfidentMistakes.Mistake> kept = keeper.mostConfidentFirst();
        assertEquals(2, kept.size());
        assertEquals(0.9f, kept.get(0).confidence());
        assertEquals(0.7f, kept.get(1).confidence());
        assertEquals(4, kept.get(1).pixels()[0]);
    }

    @Test
    void mergeOrderDoesNotMatterEvenForTies() {
        ConfidentMistakes a = new ConfidentMistakes(2);
        ConfidentMistakes b = new ConfidentMistakes(2);
        a.offer(m(0, 1, 0.8f, 1));
        a.offer(m(0, 1, 0.8f, 2));
        b.offer(m(0, 1, 0.8f, 3));
        b.offer(m(1, 2, 0.5f, 4));
        ConfidentMistakes ab = new ConfidentMistakes(2).merge(a).merge(b);
        ConfidentMistakes ba = new ConfidentMistakes(2).merge(b).merge(a);
        assertEquals(pixels(ab), pixels(ba));
        // three mistakes tie at 0.8 for two places: the ones with the lower pixel bytes stay
        assertEquals(List.of(1, 2), pixels(ab));
    }

    @Test
    void emptyAndZeroCapacityKeepNothing() {
        assertEquals(List.of(), new ConfidentMistakes(3).mostConfidentFirst());
        ConfidentMistakes none = new ConfidentMistakes(0);
        none.offer(m(0, 1, 0.9f, 1));
        assertEquals(List.of(), none.mostConfidentFirst());
    }

    @Test
    void accumulatorKeepsOnlyWrongPredictionsWithPixels() {
        EvalAccumulator acc = new EvalAccumulator(2, 10);
        acc.add(0, new float[]{0.9f, 0.1f}, new byte[]{1, 1, 1});
        acc.add(0, new float[]{0.2f, 0.8f}, new byte[]{2, 2, 2});
        acc.add(1, new float[]{0.7f, 0.3f});
        List<ConfidentMistakes.Mistake> kept = acc.mistakes();
        assertEquals(1, kept.size());
        assertEquals(0, kept.get(0).label());
        assertEquals(1, kept.get(0).predicted());
        assertEquals(0.8f, kept.get(0).confidence());
        assertEquals(List.of(), new EvalAccumulator(2, 10).mistakes());
    }

    @Test
    void evaluationFilesReadBackAndSurviveCommasAndQuotesInClassNames(@TempDir java.nio.file.Path dir)
            throws Exception {
        EvalAccumulator acc = new EvalAccumulator(3, 20);
        acc.add(0, new float[]{0.7f, 0.2f, 0.1f}, new byte[]{1, 2, 3});
        acc.add(1, new float[]{0.6f, 0.3f, 0.1f}, new byte[]{4, 5, 6});
        acc.add(2, new float[]{0.1f, 0.1f, 0.8f}, new byte[]{7, 8, 9});
        List<String> names = List.of("plain", "with,comma", "with \"quote\"");
        ClassificationMetrics written = ClassificationMetrics.of(acc, names, 0.5);
        Path out = new Path(dir.toUri());
        Configuration conf = new Configuration();
        new MetricsReport(written, acc.mistakes()).write(out, conf, "test", "best.zip");

        MetricsReport.Saved read = MetricsReport.read(out, conf);
        assertEquals("test", read.split());
        assertEquals("best.zip", read.model());
        assertEquals(names, read.metrics().classNames());
        assertEquals(written.accuracy(), read.metrics().accuracy());
        assertEquals(written.macroF1(), read.metrics().macroF1());
        for (int c = 0; c < 3; c++) {
            assertArrayEquals(written.confusion()[c], read.metrics().confusion()[c]);
            assertEquals(written.perClass().get(c), read.metrics().perClass().get(c));
            assertEquals(written.roc().get(c).auc(), read.metrics().roc().get(c).auc(), 1e-12);
            assertArrayEquals(written.roc().get(c).tpr(), read.metrics().roc().get(c).tpr(), 1e-12);
        }
        assertEquals(1, read.mistakes().size());
        assertArrayEquals(new byte[]{4, 5, 6}, read.mistakes().get(0).pixels());
        // RFC 4180: a field holding a quote is quoted and the quote doubled
        String csv = Files.readString(dir.resolve("confusion_matrix.csv"));
        assertTrue(csv.startsWith("\"true\\predicted\",plain,\"with,comma\",\"with \"\"quote\"\"\"\n")
                || csv.startsWith("true\\predicted,plain,\"with,comma\",\"with \"\"quote\"\"\"\n"), csv);
    }

    @Test
    void aFolderWithoutAnEvaluationReadsAsNone(@TempDir java.nio.file.Path dir) throws Exception {
        assertNull(MetricsReport.read(new Path(dir.toUri()), new Configuration()));
    }

    private static List<Integer> pixels(ConfidentMistakes k) {
        return k.mostConfidentFirst().stream().map(x -> (int) x.pixels()[0]).toList();
    }
}
