package org.imgpipe.data;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Minibatch files: exact round trip on two 2x2 images, and the hostile cases. */
class MinibatchFileTest {
    /** Image i, pixel p (HWC), channel c holds 100 * i + 10 * p + c. */
    private static LabeledImage image(int i, int label) {
        byte[] px = new byte[12];
        for (int p = 0; p < 4; p++) {
            for (int c = 0; c < 3; c++) {
                px[3 * p + c] = (byte) (100 * i + 10 * p + c);
            }
        }
        return new LabeledImage(label, px);
    }

    private static byte[] bytes(List<LabeledImage> batch, int imageSize, int numClasses) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MinibatchFile.write(batch, imageSize, numClasses, out);
        return out.toByteArray();
    }

    @Test
    void readsBackTheMinibatchThatBatchesBuilds() throws IOException {
        List<LabeledImage> batch = List.of(image(0, 2), image(1, 0));
        byte[] file = bytes(batch, 2, 3);
        assertEquals(16 + 2 * 4 + 2 * 12, file.length, "header, 2 labels, 2 images of 12 bytes");
        DataSet d = MinibatchFile.read(new ByteArrayInputStream(file), 0);
        assertArrayEquals(new long[]{2, 3, 2, 2}, d.getFeatures().shape());
        // NCHW: image 1, red plane, pixels 0..3 = 100, 110, 120, 130; green = 101, 111, 121, 131.
        assertArrayEquals(new float[]{100, 110, 120, 130, 101, 111, 121, 131, 102, 112, 122, 132},
                Arrays.copyOfRange(d.getFeatures().dup().data().asFloat(), 12, 24));
        assertArrayEquals(new float[]{0, 0, 1, 1, 0, 0}, d.getLabels().dup().data().asFloat());
        DataSet expected = Batches.dataSet(batch, 2, 3, 0);
        assertEquals(expected.getFeatures(), d.getFeatures());
        assertEquals(expected.getLabels(), d.getLabels());
        DataSet smoothed = MinibatchFile.read(new ByteArrayInputStream(file), 0.3);
        assertEquals(d.getFeatures(), smoothed.getFeatures());
        assertArrayEquals(new float[]{0.1f, 0.1f, 0.8f, 0.8f, 0.1f, 0.1f}, smoothed.getLabels().dup().data().asFloat(),
                1e-7f, "1 - 0.3 + 0.3 / 3 for the label, 0.3 / 3 elsewhere");
    }

    @Test
    void anEmptyMinibatchReadsAsNoRowsWithOrWithoutSmoothing() throws IOException {
        for (double labelSmoothing : new double[]{0, 0.1}) {
            DataSet d = MinibatchFile.read(new ByteArrayInputStream(bytes(List.of(), 2, 3)), labelSmoothing);
            assertArrayEquals(new long[]{0, 3}, d.getLabels().shape(), "labels, smoothing " + labelSmoothing);
            assertArrayEquals(new long[]{0, 3, 2, 2}, d.getFeatures().shape(), "features, smoothing " + labelSmoothing);
        }
    }

    @Test
    void anEmptyMinibatchIsOnlyItsHeader() throws IOException {
        assertEquals(16, bytes(List.of(), 2, 3).length);
    }

    @Test
    void refusesWhatItCannotWriteOrRead() throws IOException {
        assertThrows(IllegalArgumentException.class, () -> bytes(List.of(new LabeledImage(0, new byte[11])), 2, 3),
                "an image of the wrong size");
        assertThrows(IllegalArgumentException.class, () -> bytes(List.of(image(0, 3)), 2, 3), "label 3 of K=3");
        IOException notOurs = assertThrows(IOException.class,
                () -> MinibatchFile.read(new ByteArrayInputStream(new byte[]{'P', 'K', 3, 4, 0, 0, 0, 0}), 0));
        assertTrue(notOurs.getMessage().contains("IMB1"), notOurs.getMessage());
        byte[] file = bytes(List.of(image(0, 1)), 2, 3);
        assertThrows(EOFException.class,
                () -> MinibatchFile.read(new ByteArrayInputStream(Arrays.copyOf(file, file.length - 1)), 0),
                "a truncated file");
        byte[] negative = file.clone();
        negative[4] = (byte) 0xFF;
        assertThrows(IOException.class, () -> MinibatchFile.read(new ByteArrayInputStream(negative), 0),
                "a negative example count");
    }
}
