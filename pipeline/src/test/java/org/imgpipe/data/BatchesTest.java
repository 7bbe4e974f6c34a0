package org.imgpipe.data;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Labels as the model trains on them: one-hot, or smoothed as Keras smooths them. */
class BatchesTest {
    private static List<LabeledImage> labelled(int... labels) {
        return java.util.Arrays.stream(labels).mapToObj(l -> new LabeledImage(l, new byte[12])).toList();
    }

    @Test
    void labelsAreOneHotOrSmoothedAsKerasSmoothsThem() {
        assertArrayEquals(new float[]{0, 1, 0, 0, 0, 0, 0, 1},
                Batches.labels(labelled(1, 3), 4, 0).dup().data().asFloat(), "plain one-hot");
        // Keras: y * (1 - 0.4) + 0.4 / 4
        assertArrayEquals(new float[]{0.1f, 0.7f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f, 0.7f},
                Batches.labels(labelled(1, 3), 4, 0.4).dup().data().asFloat(), 1e-7f, "smoothed");
        INDArray none = Batches.labels(List.of(), 4, 0.4);
        assertArrayEquals(new long[]{0, 4}, none.shape(), "no examples, no rows");
    }

    @Test
    void aLabelOutsideTheClassesIsRefused() {
        IllegalArgumentException high = assertThrows(IllegalArgumentException.class,
                () -> Batches.labels(labelled(0, 4), 4, 0.1));
        assertEquals("label 4 outside 0..3", high.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Batches.labels(labelled(-1), 4, 0));
    }
}
