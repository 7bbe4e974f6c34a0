package org.imgpipe.train;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.imgpipe.SparkTestSession;
import org.imgpipe.config.AugmentOptions;
import org.imgpipe.data.LabeledImage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Epoch minibatches with and without augmentation, on 12 examples of 2x2 pixels in 2 partitions. */
@Tag("spark")
class EpochShufflerTest {
    private static final AugmentOptions FLIP_AND_CONTRAST = new AugmentOptions(true, 0, 0, 0, 0, 0.5, 0,
            AugmentOptions.FillMode.REFLECT);

    private static List<LabeledImage> examples() {
        List<LabeledImage> out = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            byte[] px = new byte[12];
            for (int p = 0; p < 12; p++) {
                px[p] = (byte) (i * 20 + p * 3);
            }
            out.add(new LabeledImage(i % 3, px));
        }
        return out;
    }

    private static List<float[]> epoch(JavaRDD<LabeledImage> rdd, AugmentOptions augment, long seed, int epoch) {
        return epoch(rdd, augment, seed, epoch, 0);
    }

    private static List<float[]> epoch(JavaRDD<LabeledImage> rdd, AugmentOptions augment, long seed, int epoch,
                                       double labelSmoothing) {
        try (EpochShuffler s = new EpochShuffler(rdd, seed, 2, 4, 2, 3, augment)) {
            List<float[]> out = new ArrayList<>();
            for (DataSet d : s.epoch(epoch, labelSmoothing).collect()) {
                out.add(d.getFeatures().dup().data().asFloat());
                out.add(d.getLabels().dup().data().asFloat());
            }
            return out;
        }
    }

    @Test
    void augmentationRepeatsForTheSameSeedAndKeepsTheOrderAndTheSource() {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SparkTestSession.get().sparkContext());
        List<LabeledImage> source = examples();
        JavaRDD<LabeledImage> rdd = jsc.parallelize(source, 2);
        List<float[]> plain = epoch(rdd, AugmentOptions.none(), 42, 1);
        List<float[]> augmented = epoch(rdd, FLIP_AND_CONTRAST, 42, 1);
        List<float[]> again = epoch(rdd, FLIP_AND_CONTRAST, 42, 1);
        assertEquals(plain.size(), augmented.size());
        for (int i = 0; i < augmented.size(); i++) {
            assertArrayEquals(augmented.get(i), again.get(i), "same seed and epoch, same minibatch " + i);
        }
        for (int i = 1; i < plain.size(); i += 2) {
            assertArrayEquals(plain.get(i), augmented.get(i), "labels in the same order: the shuffle is unchanged");
        }
        boolean anyChanged = false;
        for (int i = 0; i < plain.size(); i += 2) {
            anyChanged |= !Arrays.equals(plain.get(i), augmented.get(i));
        }
        assertEquals(true, anyChanged, "augmentation changed some pixels");
        boolean otherEpochDiffers = false;
        List<float[]> epoch2 = epoch(rdd, FLIP_AND_CONTRAST, 42, 2);
        List<float[]> plain2 = epoch(rdd, AugmentOptions.none(), 42, 2);
        for (int i = 0; i < epoch2.size(); i += 2) {
            otherEpochDiffers |= !Arrays.equals(epoch2.get(i), plain2.get(i));
        }
        assertEquals(true, otherEpochDiffers);
        List<LabeledImage> after = rdd.collect();
        for (int i = 0; i < source.size(); i++) {
            assertArrayEquals(examples().get(i).pixels(), after.get(i).pixels(), "source example " + i + " untouched");
        }
        assertFalse(Arrays.equals(plain.get(0), augmented.get(0)) && Arrays.equals(plain.get(2), augmented.get(2))
                && Arrays.equals(plain.get(4), augmented.get(4)), "not every minibatch unchanged");
    }

    @Test
    void labelSmoothingChangesOnlyTheLabels() {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SparkTestSession.get().sparkContext());
        JavaRDD<LabeledImage> rdd = jsc.parallelize(examples(), 2);
        List<float[]> plain = epoch(rdd, FLIP_AND_CONTRAST, 42, 1);
        List<float[]> smoothed = epoch(rdd, FLIP_AND_CONTRAST, 42, 1, 0.3);
        assertEquals(plain.size(), smoothed.size());
        for (int i = 0; i < plain.size(); i += 2) {
            assertArrayEquals(plain.get(i), smoothed.get(i), "minibatch " + i / 2 + ": same pixels");
            float[] labels = plain.get(i + 1);
            float[] expected = new float[labels.length];
            for (int j = 0; j < labels.length; j++) {
                expected[j] = labels[j] == 1f ? 0.8f : 0.1f; // 1 - 0.3 + 0.3 / 3 and 0.3 / 3
            }
            assertArrayEquals(expected, smoothed.get(i + 1), 1e-7f, "minibatch " + i / 2 + ": smoothed labels");
        }
    }
}
