package org.imgpipe.train;

import org.imgpipe.spark.ProgressMonitor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The training progress line: minibatches, images/s, and the time left in the epoch and the run. */
class EpochLineTest {
    @Test
    void laterEpochsUseTheMeanEpochTimeAndTheLastValidation() {
        // 12,000 of 40,000 images in 40 s: 300 images/s, 93.3 s of fitting left, plus 10 s of validation;
        // then 33 epochs of 155 s: 103.3 + 5,115 s = 1h26m58s
        ProgressMonitor.Tick t = new ProgressMonitor.Tick(12_000, 40_000, 40);
        assertEquals("epoch 7/40: 375/1,250 minibatches, 300 images/s, ETA 1m43s (epoch), 1h26m (run)",
                SparkTrainer.epochLine(t, "epoch 7/40", 32, 33, 10, 155));
    }

    @Test
    void theFirstEpochProjectsItsOwnTime() {
        // 100 of 1,000 images in 10 s: 90 s left; the later 2 epochs at this one's 100 s
        ProgressMonitor.Tick t = new ProgressMonitor.Tick(100, 1000, 10);
        assertEquals("epoch 1/3: 3/32 minibatches, 10 images/s, ETA 1m30s (epoch), 4m50s (run)",
                SparkTrainer.epochLine(t, "epoch 1/3", 32, 2, 0, Double.NaN));
    }

    @Test
    void beforeTheFirstMinibatchTheTimeLeftIsUnknown() {
        assertEquals("epoch 1/1: 0/2 minibatches, 0 images/s, ETA ? (epoch), ? (run)",
                SparkTrainer.epochLine(new ProgressMonitor.Tick(0, 64, 3), "epoch 1/1", 32, 0, 0, Double.NaN));
    }
}
