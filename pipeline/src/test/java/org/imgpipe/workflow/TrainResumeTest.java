package org.imgpipe.workflow;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.imgpipe.SparkTestSession;
import org.imgpipe.base.UserError;
import org.imgpipe.model.ModelStore;
import org.imgpipe.train.CosineDecay;
import org.imgpipe.train.ResumeCheckpoint;
import org.imgpipe.config.PipelineConfig;
import org.imgpipe.base.EpochResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A driver that dies after epoch 3's training, resumed with train --resume, ends with the history
 * of the uninterrupted run: same epochs, learning-rate drop and early stop, same figures, with the
 * training images randomly augmented (flip, pad-and-crop, contrast) as each epoch's draws repeat.
 * The callbacks are set so that both fire within 3 epochs: no val_loss change counts as an
 * improvement after the first epoch (min-delta 10), so the learning rate drops after epoch 2
 * (patience 1) and training stops after epoch 3 (patience 2) of the 4 configured.
 */
@Tag("spark")
class TrainResumeTest {
    private static final Configuration CONF = new Configuration();
    @TempDir
    static Path work;
    private static SparkSession spark;
    private static List<EpochResult> uninterrupted;

    private static PipelineConfig config(String run, Map<String, Object> more) {
        Map<String, Object> m = new HashMap<>(Map.of(
                "pipeline.work.dir", work.toUri().toString(),
                "pipeline.data.sample.images-per-class", 8,
                "pipeline.model.batch-norm-momentum", 0.9,
                "pipeline.train.epochs", 4,
                "pipeline.train.batch-size", 16,
                "pipeline.train.master.averaging-frequency", 2,
                "pipeline.train.model-dir", work.resolve(run).toUri().toString(),
                "pipeline.registry.dir", work.resolve(run + "-registry").toUri().toString()));
        m.put("pipeline.train.lr-on-plateau.patience", 1);
        m.put("pipeline.train.lr-on-plateau.min-delta", 10);
        m.put("pipeline.train.early-stopping.patience", 2);
        m.put("pipeline.train.early-stopping.min-delta", 10);
        m.put("pipeline.train.augment.horizontal-flip", true);
        m.put("pipeline.train.augment.pad-crop", 2);
        m.put("pipeline.train.augment.contrast", 0.2);
        m.putAll(more);
        return PipelineConfig.of(m);
    }

    @BeforeAll
    static void trainUninterrupted() throws Exception {
        spark = SparkTestSession.get();
        new IngestWorkflow(RunContext.of(config("a", Map.of()), spark)).run();
        uninterrupted = new TrainWorkflow(RunContext.of(config("a", Map.of()), spark)).run().history();
    }

    @Test
    void resumedRunEndsWithTheUninterruptedHistory() throws Exception {
        assertEquals(3, uninterrupted.size(), "early stopping after epoch 3: " + uninterrupted);
        assertEquals(List.of(1e-3, 1e-3, 1e-4), uninterrupted.stream().map(EpochResult::lr).toList());

        crashInEpoch("b", Map.of(), 3);
        assertTrue(Files.exists(work.resolve("b/checkpoint.zip")));

        TrainWorkflow.Result resumed = new TrainWorkflow(RunContext.of(config("b", Map.of("pipeline.train.resume", true)), spark))
                .run();
        List<EpochResult> h = resumed.history();
        assertEquals(uninterrupted.size(), h.size());
        for (int i = 0; i < h.size(); i++) {
            EpochResult a = uninterrupted.get(i);
            EpochResult b = h.get(i);
            assertEquals(a.epoch(), b.epoch());
            assertEquals(a.lr(), b.lr());
            assertEquals(a.loss(), b.loss(), 1e-6, "loss, epoch " + a.epoch());
            assertEquals(a.accuracy(), b.accuracy(), 1e-6, "accuracy, epoch " + a.epoch());
            assertEquals(a.valLoss(), b.valLoss(), 1e-6, "val_loss, epoch " + a.epoch());
            assertEquals(a.valAccuracy(), b.valAccuracy(), 1e-6, "val_accuracy, epoch " + a.epoch());
        }
        assertTrue(resumed.stopReason().startsWith("early stopping"), resumed.stopReason());
        assertEquals(4, Files.readAllLines(work.resolve("b/history.csv")).size());
        assertTrue(Files.exists(work.resolve("b/final.zip")));
    }

    /**
     * Trains run {@code run} with the settings until the driver dies at the end of the given epoch, after the
     * other callbacks and before that epoch's checkpoint (so the checkpoint holds the epoch before).
     */
    private static void crashInEpoch(String run, Map<String, Object> more, int epoch) {
        IllegalStateException crash = assertThrows(IllegalStateException.class, () ->
                new TrainWorkflow(RunContext.of(config(run, more), spark)).addListener((r, control) -> {
                    if (r.epoch() == epoch) {
                        throw new IllegalStateException("simulated driver crash");
                    }
                }).run());
        assertEquals("simulated driver crash", crash.getMessage());
    }

    /** @return the message of the UserError that resuming run "a" with the one setting changed fails with */
    private static String refusedResume(String key, Object value) {
        return assertThrows(UserError.class, () -> new TrainWorkflow(RunContext.of(
                config("a", Map.of("pipeline.train.resume", true, key, value)), spark)).run()).getMessage();
    }

    @Test
    void resumeRefusesOtherSettingsNamingTheKey() {
        String seed = refusedResume("pipeline.train.seed", 7);
        assertTrue(seed.contains("pipeline.train.seed was 42 for the checkpoint and is 7 now"), seed);
        String smoothing = refusedResume("pipeline.train.label-smoothing", 0.1);
        assertTrue(smoothing.contains("pipeline.train.label-smoothing was 0.0 for the checkpoint and is 0.1 now"),
                smoothing);
    }

    @Test
    void resumeRefusesOtherAugmentation() {
        String e = refusedResume("pipeline.train.augment.pad-crop", 4);
        assertTrue(e.contains("pipeline.train.augment was horizontal-flip=true, translation=0.0, "
                + "pad-crop=2, rotation=0.0, zoom=0.0, contrast=0.2, fill-mode=reflect for the checkpoint and is "
                + "horizontal-flip=true, translation=0.0, pad-crop=4,"), e);
    }

    @Test
    void aCosineRunResumesOnItsCurveAndOtherSchedulesAreRefused() throws Exception {
        Map<String, Object> cosine = Map.of("pipeline.train.lr-schedule", "cosine");
        crashInEpoch("c", cosine, 2);
        Map<String, Object> resume = new HashMap<>(cosine);
        resume.put("pipeline.train.resume", true);
        List<EpochResult> h = new TrainWorkflow(RunContext.of(config("c", resume), spark)).run().history();
        CosineDecay curve = new CosineDecay(1e-3, 4, 0);
        assertEquals(List.of(curve.learningRate(0), curve.learningRate(1), curve.learningRate(2)),
                h.stream().map(EpochResult::lr).toList(), "epoch 1 at the initial rate, then Keras' CosineDecay");

        String e = refusedResume("pipeline.train.lr-schedule", "cosine");
        assertTrue(e.contains("pipeline.train.lr-schedule was plateau for the checkpoint and is cosine "
                + "(learning-rate 0.001, alpha 0.0, over 4 epochs) now"), e);
        String linear = refusedResume("pipeline.train.lr-schedule", "linear");
        assertTrue(linear.contains("pipeline.train.lr-schedule was plateau for the checkpoint and is linear "
                + "(learning-rate 0.001, over 4 epochs) now"), linear);
    }

    @Test
    void aMovingAverageIsValidatedNeverTrainedOnAndResumes() throws Exception {
        Map<String, Object> ema = Map.of("pipeline.train.ema-momentum", 0.9);
        List<EpochResult> averaged = new TrainWorkflow(RunContext.of(config("e", ema), spark)).run().history();
        assertEquals(uninterrupted.size(), averaged.size());
        for (int i = 0; i < averaged.size(); i++) {
            EpochResult plain = uninterrupted.get(i);
            EpochResult a = averaged.get(i);
            assertEquals(plain.loss(), a.loss(), 1e-6, "the same training, epoch " + a.epoch());
            assertEquals(plain.accuracy(), a.accuracy(), 1e-6, "the same training, epoch " + a.epoch());
            assertNotEquals(plain.valLoss(), a.valLoss(), "the average validated, epoch " + a.epoch());
        }

        crashInEpoch("f", ema, 2);
        Map<String, Object> resume = new HashMap<>(ema);
        resume.put("pipeline.train.resume", true);
        List<EpochResult> resumed = new TrainWorkflow(RunContext.of(config("f", resume), spark)).run().history();
        assertEquals(averaged.size(), resumed.size());
        for (int i = 0; i < resumed.size(); i++) {
            assertEquals(averaged.get(i).valLoss(), resumed.get(i).valLoss(), 1e-6, "val_loss, epoch " + (i + 1));
            assertEquals(averaged.get(i).valAccuracy(), resumed.get(i).valAccuracy(), 1e-6,
                    "val_accuracy, epoch " + (i + 1));
        }

        assertEquals(ResumeCheckpoint.read(hadoopPath("e/checkpoint.zip"), CONF).average().params(),
                ModelStore.load(hadoopPath("e/final.zip"), CONF).params(), "the final model is the average");

        String e = refusedResume("pipeline.train.ema-momentum", 0.9);
        assertTrue(e.contains("pipeline.train.ema-momentum was 0.0 for the checkpoint and is 0.9 now"), e);
    }

    @Test
    void theAverageTakesTheWeightsAfterTheRoundsAveraging() throws Exception {
        // One round per epoch (30 minibatches per worker): Keras' first step replaces the average, so after
        // epoch 1 it holds exactly the weights the round's averaging left.
        new TrainWorkflow(RunContext.of(config("g", Map.of("pipeline.train.ema-momentum", 0.9,
                "pipeline.train.epochs", 1, "pipeline.train.master.averaging-frequency", 100)), spark)).run();
        ResumeCheckpoint.Snapshot s = ResumeCheckpoint.read(hadoopPath("g/checkpoint.zip"), CONF);
        assertEquals(s.graph().params(), s.average().params());
    }

    private static org.apache.hadoop.fs.Path hadoopPath(String file) {
        return new org.apache.hadoop.fs.Path(work.resolve(file).toUri());
    }

    @Test
    void resumeWithoutCheckpointSaysSo() {
        UserError e = assertThrows(UserError.class, () -> new TrainWorkflow(RunContext.of(
                config("none", Map.of("pipeline.train.resume", true)), spark)).run());
        assertTrue(e.getMessage().startsWith("no checkpoint to resume from at "), e.getMessage());
        assertFalse(Files.exists(work.resolve("none/final.zip")));
    }
}
