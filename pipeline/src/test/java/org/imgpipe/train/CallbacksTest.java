package org.imgpipe.train;

import org.imgpipe.base.EpochMetric;
import org.imgpipe.base.EpochResult;
import org.imgpipe.config.TrainOptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LR-on-plateau, early stopping and checkpointing on scripted loss sequences with known outcomes. */
class CallbacksTest {
    private static final TrainOptions.PlateauOptions PLATEAU =
            new TrainOptions.PlateauOptions(EpochMetric.VAL_LOSS, 0.1, 4, 1e-4, 0, 0);
    private static final TrainOptions.EarlyStoppingOptions EARLY =
            new TrainOptions.EarlyStoppingOptions(EpochMetric.VAL_LOSS, 8, 0);

    /** The reference notebook's per-epoch val_loss and learning rate (notebooks-export/reference). */
    private static List<double[]> referenceHistory() throws IOException {
        Path csv = Path.of(System.getProperty("user.dir")).resolveSibling("notebooks-export/reference/history.csv");
        List<double[]> rows = new ArrayList<>();
        for (String line : Files.readAllLines(csv).subList(1, Files.readAllLines(csv).size())) {
            String[] f = line.split(",", -1);
            rows.add(new double[]{Double.parseDouble(f[3]), Double.parseDouble(f[5])});
        }
        return rows;
    }

    private static EpochResult epoch(int n, double valLoss, double lr) {
        return new EpochResult(n, Double.NaN, Double.NaN, valLoss, Double.NaN, lr, 1);
    }

    @Test
    void replayingTheReferenceGivesItsLearningRatesAndNoEarlyStop() throws IOException {
        List<double[]> ref = referenceHistory();
        assertEquals(38, ref.size());
        ReduceLrOnPlateau plateau = new ReduceLrOnPlateau(PLATEAU);
        EarlyStopping early = new EarlyStopping(EARLY);
        TrainingControl control = new TrainingControl(1e-3);
        for (int e = 1; e <= ref.size(); e++) {
            double lrUsed = control.learningRate();
            assertEquals(ref.get(e - 1)[1], lrUsed, 1e-12, "learning rate of epoch " + e);
            EpochResult r = epoch(e, ref.get(e - 1)[0], lrUsed);
            plateau.onEpochEnd(r, control);
            early.onEpochEnd(r, control);
            assertEquals(e == 21 ? 1e-4 : lrUsed, control.learningRate(), 1e-12, "after epoch " + e);
            assertFalse(control.stopRequested(), "early stop after epoch " + e);
        }
    }

    @Test
    void plateauHonoursMinDeltaCooldownAndMinLr() {
        ReduceLrOnPlateau p = new ReduceLrOnPlateau(new TrainOptions.PlateauOptions(EpochMetric.VAL_LOSS, 0.5, 2, 0.01, 1, 0.2));
        TrainingControl c = new TrainingControl(1.0);
        double[] losses = {1.0, 0.995, 0.999, 0.5, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6};
        // Keras: the cooldown epoch still counts once its counter reaches 0, so epoch 8 reduces again (to minLr).
        double[] lrAfter = {1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25, 0.2, 0.2, 0.2};
        for (int i = 0; i < losses.length; i++) {
            p.onEpochEnd(epoch(i + 1, losses[i], c.learningRate()), c);
            assertEquals(lrAfter[i], c.learningRate(), 1e-12, "after epoch " + (i + 1));
        }
    }

    @Test
    void earlyStoppingFiresAfterPatienceEpochsWithoutImprovement() {
        EarlyStopping early = new EarlyStopping(new TrainOptions.EarlyStoppingOptions(EpochMetric.VAL_LOSS, 3, 0));
        TrainingControl c = new TrainingControl(1e-3);
        double[] losses = {2.0, 1.5, 1.6, 1.5, 1.7};
        for (int i = 0; i < losses.length; i++) {
            early.onEpochEnd(epoch(i + 1, losses[i], 1e-3), c);
            assertEquals(i == 4, c.stopRequested(), "stop after epoch " + (i + 1));
        }
        assertTrue(c.stopReason().contains("no val_loss improvement for 3 epochs"), c.stopReason());
    }

    @Test
    void earlyStoppingWithPatienceZeroIsOff() {
        EarlyStopping early = new EarlyStopping(new TrainOptions.EarlyStoppingOptions(EpochMetric.VAL_LOSS, 0, 0));
        TrainingControl c = new TrainingControl(1e-3);
        for (int i = 1; i <= 20; i++) {
            early.onEpochEnd(epoch(i, i, 1e-3), c);
        }
        assertNull(c.stopReason());
    }

    @Test
    void accuracyIsMonitoredUpwards() {
        EarlyStopping early = new EarlyStopping(new TrainOptions.EarlyStoppingOptions(EpochMetric.VAL_ACCURACY, 1, 0));
        TrainingControl c = new TrainingControl(1e-3);
        early.onEpochEnd(new EpochResult(1, 0, 0, 0, 0.5, 0, 0), c);
        early.onEpochEnd(new EpochResult(2, 0, 0, 0, 0.6, 0, 0), c);
        assertFalse(c.stopRequested());
        early.onEpochEnd(new EpochResult(3, 0, 0, 0, 0.55, 0, 0), c);
        assertTrue(c.stopRequested());
    }

    @Test
    void checkpointSavesOnlyOnImprovement() throws IOException {
        List<Integer> saved = new ArrayList<>();
        int[] epochNow = {0};
        BestModelCheckpoint best = new BestModelCheckpoint(EpochMetric.VAL_LOSS, () -> saved.add(epochNow[0]));
        double[] losses = {2.0, 1.8, 1.9, 1.8, 1.2, 1.3};
        for (int i = 0; i < losses.length; i++) {
            epochNow[0] = i + 1;
            best.onEpochEnd(epoch(i + 1, losses[i], 1e-3), new TrainingControl(1e-3));
        }
        assertEquals(List.of(1, 2, 5), saved);
        assertEquals(5, best.bestEpoch());
        assertEquals(1.2, best.best());
    }

    @Test
    void shuffleKeysDependOnlyOnSeedEpochAndIndex() {
        assertEquals(EpochShuffler.mix(42, 3, 17), EpochShuffler.mix(42, 3, 17));
        assertTrue(EpochShuffler.mix(42, 3, 17) != EpochShuffler.mix(42, 4, 17));
        assertTrue(EpochShuffler.mix(42, 3, 17) != EpochShuffler.mix(43, 3, 17));
    }

    @Test
    void cosineDecayFollowsKerasFormulaPerEpoch() {
        CosineDecay cosine = new CosineDecay(1e-3, 40, 0);
        assertEquals(1e-3, cosine.learningRate(0), 1e-15);
        assertEquals(1e-3 * (1 + Math.sqrt(0.5)) / 2, cosine.learningRate(10), 1e-15);
        assertEquals(5e-4, cosine.learningRate(20), 1e-15);
        assertEquals(0, cosine.learningRate(40), 1e-15);
        assertEquals(0, cosine.learningRate(45), 1e-15, "held at the floor after decay_steps, as Keras");
        CosineDecay floored = new CosineDecay(1e-3, 4, 0.1);
        assertEquals(1e-4 + 9e-4 * 0.5, floored.learningRate(2), 1e-15);
        assertEquals(1e-4, floored.learningRate(4), 1e-15);
    }

    @Test
    void cosineDecaySetsTheNextEpochsRateAndRefusesBadArguments() {
        CosineDecay cosine = new CosineDecay(2e-3, 4, 0);
        TrainingControl control = new TrainingControl(2e-3);
        double[] expected = {2e-3 * (1 + Math.sqrt(0.5)) / 2, 1e-3, 2e-3 * (1 - Math.sqrt(0.5)) / 2, 0};
        for (int e = 1; e <= 4; e++) {
            cosine.onEpochEnd(epoch(e, 1.0, control.learningRate()), control);
            assertEquals(expected[e - 1], control.learningRate(), 1e-15, "after epoch " + e);
        }
        assertThrows(IllegalArgumentException.class, () -> new CosineDecay(0, 4, 0));
        assertThrows(IllegalArgumentException.class, () -> new CosineDecay(1e-3, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new CosineDecay(1e-3, 4, -0.1));
    }

    @Test
    void linearDecayFollowsKerasPolynomialDecayWithPowerOnePerEpoch() {
        LinearDecay linear = new LinearDecay(1e-3, 40);
        assertEquals(1e-3, linear.learningRate(0), 1e-15);
        assertEquals(7.5e-4, linear.learningRate(10), 1e-15);
        assertEquals(2.5e-5, linear.learningRate(39), 1e-15, "the last epoch trains at initial / epochs");
        assertEquals(0, linear.learningRate(40), 1e-15);
        assertEquals(0, linear.learningRate(45), 1e-15, "held at the end rate after decay_steps, as Keras");
        TrainingControl control = new TrainingControl(1e-3);
        linear.onEpochEnd(epoch(4, 1.0, control.learningRate()), control);
        assertEquals(9e-4, control.learningRate(), 1e-15, "epoch 5's rate after epoch 4");
        assertThrows(IllegalArgumentException.class, () -> linear.learningRate(-1));
        assertThrows(IllegalArgumentException.class, () -> new LinearDecay(0, 40));
        assertThrows(IllegalArgumentException.class, () -> new LinearDecay(1e-3, 0));
    }
}
