package org.imgpipe.config;

import org.imgpipe.base.EpochMetric;
import org.imgpipe.base.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PipelineConfigTest {

    @Test
    void defaultsAreTheReferenceSettings() {
        PipelineConfig c = PipelineConfig.of(Map.of());
        assertEquals(List.of("train1", "train3", "train4", "train5"), c.data().trainFolds());
        assertEquals("train2", c.data().validationFold());
        assertEquals("test", c.data().testFold());
        assertEquals(32, c.data().imageSize());
        TrainOptions t = c.train();
        assertEquals(40, t.epochs());
        assertEquals(32, t.batchSize());
        assertEquals(1e-3, t.learningRate());
        assertEquals(0.9, t.rho());
        assertEquals(1e-7, t.epsilon());
        assertEquals(new TrainOptions.PlateauOptions(EpochMetric.VAL_LOSS, 0.1, 4, 1e-4, 0, 0), t.plateau());
        assertEquals(new TrainOptions.EarlyStoppingOptions(EpochMetric.VAL_LOSS, 8, 0), t.earlyStopping());
        assertTrue(t.master().saveUpdater());
        assertEquals("test", c.eval().split());
        assertEquals("work/models/best.zip", c.eval().model());
        assertEquals(false, t.augment().enabled(), "the reference recipe has no augmentation");
        assertEquals("work/report", c.report().outputDir());
        assertEquals(TrainOptions.LrSchedule.PLATEAU, t.lrSchedule());
        assertEquals(0, t.cosineAlpha());
        assertEquals(new ModelOptions(0.99, 0.5, new ModelOptions.Regularizer(1e-5, 1e-4),
                new ModelOptions.Regularizer(1e-3, 1e-2)), c.model());
    }

    @Test
    void kernelPenaltiesAreCheckedNamingTheKey() {
        ModelOptions m = PipelineConfig.of(Map.of("pipeline.model.dense-regularizer.l1", 0)).model();
        assertEquals(new ModelOptions.Regularizer(0, 1e-2), m.dense());
        UserError negative = assertThrows(UserError.class, () -> PipelineConfig.of(Map.of(
                "pipeline.model.conv-regularizer.l2", -1e-4)).model());
        assertEquals("config key 'pipeline.model.conv-regularizer.l2' = -1.0E-4: must be between 0.0 and 1.0",
                negative.getMessage());
    }

    @Test
    void augmentationSettingsAreCheckedNamingTheKey() {
        AugmentOptions a = PipelineConfig.of(Map.of("pipeline.train.augment.horizontal-flip", true,
                "pipeline.train.augment.pad-crop", 4, "pipeline.train.augment.fill-mode", "CONSTANT")).train().augment();
        assertEquals("horizontal-flip=true, translation=0.0, pad-crop=4, rotation=0.0, zoom=0.0, contrast=0.0, "
                + "fill-mode=constant", a.toString());
        UserError both = assertThrows(UserError.class, () -> PipelineConfig.of(Map.of(
                "pipeline.train.augment.translation", 0.1, "pipeline.train.augment.pad-crop", 4)).train());
        assertEquals("config key 'pipeline.train.augment.pad-crop' = 4: set either translation or pad-crop, not both",
                both.getMessage());
        UserError mode = assertThrows(UserError.class, () -> PipelineConfig.of(Map.of(
                "pipeline.train.augment.fill-mode", "mirror")).train());
        assertEquals("config key 'pipeline.train.augment.fill-mode' = mirror: must be one of reflect, wrap, nearest, "
                + "constant", mode.getMessage());
        UserError zoom = assertThrows(UserError.class, () -> PipelineConfig.of(Map.of(
                "pipeline.train.augment.zoom", 1.5)).train());
        assertTrue(zoom.getMessage().startsWith("config key 'pipeline.train.augment.zoom' = 1.5: must be between"),
                zoom.getMessage());
        AugmentOptions cutout = PipelineConfig.of(Map.of("pipeline.train.augment.cutout", 8)).train().augment();
        assertEquals(8, cutout.cutout());
        assertTrue(cutout.enabled());
        assertEquals("horizontal-flip=false, translation=0.0, pad-crop=0, rotation=0.0, zoom=0.0, contrast=0.0, "
                + "cutout=8, fill-mode=reflect", cutout.toString());
        UserError negative = assertThrows(UserError.class, () -> PipelineConfig.of(Map.of(
                "pipeline.train.augment.cutout", -1)).train());
        assertTrue(negative.getMessage().startsWith("config key 'pipeline.train.augment.cutout' = -1"),
                negative.getMessage());
        UserError larger = assertThrows(UserError.class, () -> PipelineConfig.of(Map.of(
                "pipeline.train.augment.cutout", 33)).train());
        assertEquals("config key 'pipeline.train.augment.cutout' = 33: must be at most pipeline.data.image-size (32)",
                larger.getMessage());
        assertEquals(32, PipelineConfig.of(Map.of("pipeline.train.augment.cutout", 32)).train().augment().cutout());
    }

    @Test
    void labelSmoothingIsOffByDefaultAndCheckedNamingTheKey() {
        assertEquals(0.0, PipelineConfig.of(Map.of()).train().labelSmoothing());
        assertEquals(0.1, PipelineConfig.of(Map.of("pipeline.train.label-smoothing", 0.1)).train().labelSmoothing());
        assertEquals(0.9, PipelineConfig.of(Map.of("pipeline.train.label-smoothing", 0.9)).train().labelSmoothing());
        for (double bad : new double[]{-0.1, 1.0}) {
            assertEquals("config key 'pipeline.train.label-smoothing' = " + bad + ": must be between 0.0 and 0.9",
                    refusedTrainKey("pipeline.train.label-smoothing", bad));
        }
    }

    @Test
    void emaIsOffByDefaultAndCheckedNamingTheKey() {
        assertEquals(0.0, PipelineConfig.of(Map.of()).train().emaMomentum());
        assertEquals(0.999, PipelineConfig.of(Map.of("pipeline.train.ema-momentum", 0.999)).train().emaMomentum());
        for (double bad : new double[]{-0.1, 1.0}) {
            assertEquals("config key 'pipeline.train.ema-momentum' = " + bad + ": must be between 0.0 and 0.99999",
                    refusedTrainKey("pipeline.train.ema-momentum", bad));
        }
    }

    /** @return the message of the UserError that reading pipeline.train with the one key set to value fails with */
    private static String refusedTrainKey(String key, Object value) {
        return assertThrows(UserError.class, () -> PipelineConfig.of(Map.of(key, value)).train()).getMessage();
    }

    @Test
    void theAugmentationProfileBuildsOnTheCifarProfile() {
        PipelineConfig c = PipelineConfig.load("../conf/cifar10-augment.conf", Map.of());
        assertEquals("../shared/data/cifar10", c.data().root());
        assertEquals("train2", c.data().testFold());
        assertEquals("horizontal-flip=true, translation=0.0, pad-crop=4, rotation=0.0, zoom=0.0, contrast=0.0, "
                + "fill-mode=reflect", c.train().augment().toString());
        assertEquals(40, c.train().epochs());
        assertEquals(TrainOptions.LrSchedule.COSINE, c.train().lrSchedule());
        assertEquals(0, c.train().earlyStopping().patience(), "a fixed 40-epoch budget");
        assertEquals(0.3, c.model().dropout());
        assertEquals(0.1, c.train().labelSmoothing());
        assertEquals(16, c.train().master().averagingFrequency());
    }

    @Test
    void reportSamplesPerClassIsBounded() {
        assertEquals(8, PipelineConfig.of(Map.of()).report().samplesPerClass());
        UserError e = assertThrows(UserError.class, () -> PipelineConfig.of(Map.of(
                "pipeline.report.samples-per-class", 51)).report());
        assertEquals("config key 'pipeline.report.samples-per-class' = 51: must be between 1 and 12", e.getMessage());
    }

    @Test
    void derivedLocationsFollowAnOverriddenWorkDir() {
        PipelineConfig c = PipelineConfig.load(null, Map.of("pipeline.work.dir", "hdfs://nn:8020/runs/a"));
        assertEquals("hdfs://nn:8020/runs/a/decoded", c.ingest().outputDir());
        assertEquals("hdfs://nn:8020/runs/a/models/best.zip", c.eval().model());
    }

    @Test
    void argumentsOverrideTheUserFileWhichOverridesDefaults(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("my.conf");
        Files.writeString(file, "pipeline.train { epochs = 7, batch-size = 64 }\n"
                + "pipeline.data.train-folds = [train1]\n");
        PipelineConfig c = PipelineConfig.load(file.toString(),
                Map.of("pipeline.train.epochs", "3", "pipeline.data.validation-fold", "train5"));
        assertEquals(3, c.train().epochs());
        assertEquals(64, c.train().batchSize());
        assertEquals(64, c.train().master().batchSizePerWorker());
        assertEquals(List.of("train1"), c.data().trainFolds());
        assertEquals("train5", c.data().validationFold());
    }

    @Test
    void listValuesCanBeGivenOnTheCommandLine() {
        PipelineConfig c = PipelineConfig.load(null, Map.of("pipeline.data.train-folds", "[train3, train4]"));
        assertEquals(List.of("train3", "train4"), c.data().trainFolds());
    }

    @Test
    void anUnknownKeyIsNamedWithTheLikelyIntendedOne() {
        UserError e = assertThrows(UserError.class,
                () -> PipelineConfig.load(null, Map.of("pipeline.train.epoch", "3")));
        assertEquals("unknown config key 'pipeline.train.epoch' (did you mean 'pipeline.train.epochs'?); "
                + "every setting is listed in conf/application.conf", e.getMessage());
    }

    @Test
    void anUnknownSectionInTheUserFileIsRejected(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("typo.conf");
        Files.writeString(file, "pipline.train.epochs = 3\n");
        UserError e = assertThrows(UserError.class,
                () -> PipelineConfig.load(file.toString(), Map.of()));
        assertTrue(e.getMessage().startsWith("unknown config key 'pipline'"), e.getMessage());
    }

    @Test
    void aWrongTypeNamesTheKey() {
        UserError e = assertThrows(UserError.class,
                () -> PipelineConfig.load(null, Map.of("pipeline.train.epochs", "many")));
        assertTrue(e.getMessage().startsWith("config key 'pipeline.train.epochs' must be a number, got \"many\""),
                e.getMessage());
        UserError list = assertThrows(UserError.class,
                () -> PipelineConfig.of(Map.of("pipeline.data.train-folds", 3)));
        assertTrue(list.getMessage().startsWith("config key 'pipeline.data.train-folds' must be a list"),
                list.getMessage());
    }

    @Test
    void outOfRangeValuesNameTheKey() {
        UserError e = assertThrows(UserError.class,
                () -> PipelineConfig.of(Map.of("pipeline.train.epochs", 0)).train());
        assertEquals("config key 'pipeline.train.epochs' = 0: must be at least 1", e.getMessage());
        UserError monitor = assertThrows(UserError.class,
                () -> PipelineConfig.of(Map.of("pipeline.train.lr-on-plateau.monitor", "val_acc")).train());
        assertTrue(monitor.getMessage().startsWith("config key 'pipeline.train.lr-on-plateau.monitor' = val_acc"),
                monitor.getMessage());
        TrainOptions cosine = PipelineConfig.of(Map.of("pipeline.train.lr-schedule", "cosine",
                "pipeline.train.cosine-decay.alpha", 0.01)).train();
        assertEquals(TrainOptions.LrSchedule.COSINE, cosine.lrSchedule());
        assertEquals(0.01, cosine.cosineAlpha());
        UserError schedule = assertThrows(UserError.class,
                () -> PipelineConfig.of(Map.of("pipeline.train.lr-schedule", "Cosine")).train());
        assertEquals("config key 'pipeline.train.lr-schedule' = Cosine: must be plateau, cosine or linear",
                schedule.getMessage());
        assertEquals(TrainOptions.LrSchedule.LINEAR,
                PipelineConfig.of(Map.of("pipeline.train.lr-schedule", "linear")).train().lrSchedule());
        UserError alpha = assertThrows(UserError.class,
                () -> PipelineConfig.of(Map.of("pipeline.train.cosine-decay.alpha", 1.5)).train());
        assertEquals("config key 'pipeline.train.cosine-decay.alpha' = 1.5: must be between 0.0 and 1.0",
                alpha.getMessage());
        UserError dropout = assertThrows(UserError.class,
                () -> PipelineConfig.of(Map.of("pipeline.model.dropout", 1)).model());
        assertEquals("config key 'pipeline.model.dropout' = 1.0: must be between 0.0 and 0.95", dropout.getMessage());
    }

    @Test
    void aMissingConfigFileIsAUserError() {
        UserError e = assertThrows(UserError.class,
                () -> PipelineConfig.load("/no/such/file.conf", Map.of()));
        assertTrue(e.getMessage().contains("/no/such/file.conf"), e.getMessage());
    }

    @Test
    void hadoopSettingsPassThroughByTheirHadoopNames(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("s3.conf");
        Files.writeString(file, "pipeline.hadoop {\n"
                + "  \"fs.s3a.endpoint\" = \"http://127.0.0.1:9000\"\n"
                + "  \"fs.s3a.path.style.access\" = true\n"
                + "  \"fs.s3a.secret.key\" = ${?IMGPIPE_TEST_VARIABLE_THAT_IS_NOT_SET}\n"
                + "}\n");
        PipelineConfig c = PipelineConfig.load(file.toString(),
                Map.of("pipeline.hadoop.fs.s3a.connection.maximum", "4"));
        assertEquals(Map.of("fs.s3a.endpoint", "http://127.0.0.1:9000", "fs.s3a.path.style.access", "true",
                "fs.s3a.connection.maximum", "4"), c.hadoop());
        org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration(false);
        c.applyHadoopSettings(conf);
        assertEquals("http://127.0.0.1:9000", conf.get("fs.s3a.endpoint"));

        UserError e = assertThrows(UserError.class,
                () -> PipelineConfig.load(null, Map.of("pipeline.hadoop.fs.s3a.endpoint", "[a, b]")));
        assertEquals("config key 'pipeline.hadoop.fs.s3a.endpoint' must be a string: it is a Hadoop setting",
                e.getMessage());
    }

    @Test
    void renderedConfigRedactsSecretsAndKeepsTheRest() {
        PipelineConfig c = PipelineConfig.load(null, Map.of(
                "pipeline.hadoop.fs.s3a.secret.key", "wJalrXUtnFEMI-K7MDENG",
                "pipeline.hadoop.fs.s3a.access.key", "AKIAIOSFODNN7EXAMPLE",
                "pipeline.hadoop.fs.azure.sas.token", "sv-2026-sig",
                "pipeline.hadoop.hadoop.security.credential.provider.path", "jceks://hdfs/creds.jceks",
                "pipeline.hadoop.fs.s3a.endpoint", "http://127.0.0.1:9000"));
        String shown = c.render();
        for (String secret : List.of("wJalrXUtnFEMI-K7MDENG", "AKIAIOSFODNN7EXAMPLE", "sv-2026-sig", "creds.jceks")) {
            assertTrue(!shown.contains(secret), secret + " printed in\n" + shown);
        }
        assertEquals(4, shown.split(java.util.regex.Pattern.quote(PipelineConfig.REDACTED), -1).length - 1, shown);
        assertTrue(shown.contains("http://127.0.0.1:9000"), shown);
        assertTrue(shown.contains("epochs=40"), shown);
        assertEquals("wJalrXUtnFEMI-K7MDENG", c.hadoop().get("fs.s3a.secret.key"));
    }
}
