package org.imgpipe.workflow;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.imgpipe.SparkTestSession;
import org.imgpipe.base.UserError;
import org.imgpipe.config.PipelineConfig;
import org.imgpipe.data.Batches;
import org.imgpipe.data.ImageDecoder;
import org.imgpipe.data.PngEncoder;
import org.imgpipe.data.SampleDataGenerator;
import org.imgpipe.io.CsvFiles;
import org.imgpipe.model.ModelStore;
import org.imgpipe.registry.ModelRegistry;
import org.imgpipe.registry.ModelVersion;
import org.imgpipe.registry.RunLock;
import org.imgpipe.retrain.Decision;
import org.imgpipe.score.BatchScorer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A model trained on the sample data scores a generated dump (nested folders, a large JPEG and
 * broken files), reruns identically and incrementally; scheduled retraining promotes, keeps the
 * current model, and stays out while another run holds the lock.
 */
@Tag("spark")
class ScoringAndRetrainingTest {
    private static final int PER_CLASS = 6;
    @TempDir
    static Path work;
    private static SparkSession spark;
    private static Configuration conf;
    private static Map<String, Object> settings;
    private static ModelVersion trained;
    private static final Map<String, Integer> truth = new HashMap<>();
    private static BatchScorer.Summary first;
    private static BatchScorer.Summary rerun;

    @BeforeAll
    static void trainAndScore() throws Exception {
        spark = SparkTestSession.get();
        conf = spark.sparkContext().hadoopConfiguration();
        settings = new HashMap<>(Map.of(
                "pipeline.work.dir", work.toUri().toString(),
                "pipeline.data.sample.images-per-class", 16,
                "pipeline.train.epochs", 2,
                "pipeline.model.batch-norm-momentum", 0.9,
                "pipeline.train.batch-size", 16,
                "pipeline.train.master.averaging-frequency", 2,
                "pipeline.score.input", work.resolve("dump").toUri().toString(),
                "pipeline.score.output-dir", work.resolve("scores").toUri().toString()));
        PipelineConfig config = PipelineConfig.of(settings);
        new IngestWorkflow(RunContext.of(config, spark)).run();
        trained = new TrainWorkflow(RunContext.of(config, spark)).run().version();
        writeDump(work.resolve("dump"));
        first = new ScoreWorkflow(RunContext.of(config, spark)).run();
        rerun = new ScoreWorkflow(RunContext.of(config, spark)).run();
    }

    private static void writeDump(Path dump) throws Exception {
        SampleDataGenerator gen = new SampleDataGenerator(32, 1, 1);
        Random rnd = new Random(99);
        for (int c = 0; c < 10; c++) {
            for (int i = 0; i < PER_CLASS; i++) {
                Path f = dump.resolve("day1/cam" + (i % 2) + "/img-" + c + "-" + i + ".png");
                Files.createDirectories(f.getParent());
                Files.write(f, PngEncoder.encode(gen.image(c, rnd), 32, 32));
                truth.put(f.toUri().toString().replace("file:///", "file:/"), c);
            }
        }
        BufferedImage big = new BufferedImage(400, 300, BufferedImage.TYPE_INT_RGB);
        ImageIO.write(big, "jpg", dump.resolve("day1/large.JPG").toFile());
        Files.write(dump.resolve("zero.png"), new byte[0]);
        Files.writeString(dump.resolve("text.png"), "hello", StandardCharsets.UTF_8);
        byte[] png = Files.readAllBytes(dump.resolve("day1/cam0/img-0-0.png"));
        Files.write(dump.resolve("day1/truncated.png"), Arrays.copyOf(png, 40));
        Files.writeString(dump.resolve("notes.txt"), "camera log", StandardCharsets.UTF_8);
    }

    private static List<Row> predictions(BatchScorer.Summary s) {
        return spark.read().parquet(s.runDir() + "/predictions").orderBy("path").collectAsList();
    }

    @Test
    void scoresEveryImageWithTheTrainedModelAndTheModelsOwnOutputs() throws Exception {
        assertEquals(10 * PER_CLASS + 1, first.scored());
        assertEquals(trained.id(), first.modelVersion());
        List<Row> rows = predictions(first);
        assertEquals(10 * PER_CLASS + 1, rows.size());
        ComputationGraph graph = ModelStore.load(new ModelRegistry(
                new org.apache.hadoop.fs.Path(work.resolve("registry").toUri()), conf).modelFile(trained.id()), conf);
        ImageDecoder decoder = new ImageDecoder(32);
        int correct = 0;
        for (Row r : rows) {
            String path = r.getAs("path");
            float[] p = new float[10];
            for (int c = 0; c < 10; c++) {
                p[c] = r.getAs("p_" + c + "_" + SampleDataGenerator.CLASS_NAMES.get(c));
            }
            int predicted = r.getAs("predicted_index");
            assertEquals(SampleDataGenerator.CLASS_NAMES.get(predicted), r.getAs("predicted_class"));
            assertEquals(p[predicted], (float) r.getAs("confidence"));
            assertEquals(r.<String>getAs("predicted_class"), r.getAs("top1_class"));
            float top2 = r.getAs("top2_probability");
            float top3 = r.getAs("top3_probability");
            assertTrue(p[predicted] >= top2 && top2 >= top3, path);
            assertEquals(1.0, p[0] + p[1] + p[2] + p[3] + p[4] + p[5] + p[6] + p[7] + p[8] + p[9], 1e-4);
            assertEquals(trained.id(), r.getAs("model_version"));
            byte[] encoded = Files.readAllBytes(Path.of(java.net.URI.create(path)));
            float[] expected = graph.output(false, Batches.pixels(List.of(decoder.decode(encoded)), 32))[0]
                    .toFloatVector();
            for (int c = 0; c < 10; c++) {
                assertEquals(expected[c], p[c], 1e-4, path + " class " + c);
            }
            Integer label = truth.get(path);
            if (label != null && label == predicted) {
                correct++;
            }
        }
        assertTrue(correct >= 0.6 * 10 * PER_CLASS, correct + " of " + 10 * PER_CLASS + " correct");
    }

    @Test
    void brokenAndNonImageFilesAreRejectedWithTheReason() throws Exception {
        assertEquals(4, first.rejected());
        Path csv = Path.of(java.net.URI.create(first.runDir() + "/rejected.csv"));
        assertTrue(Files.readString(csv).startsWith("path,reason\n"));
        List<Map<String, String>> rows = CsvFiles.readRows(Files.newInputStream(csv));
        assertEquals(4, rows.size(), rows.toString());
        assertTrue(rows.get(0).get("path").endsWith("/dump/day1/truncated.png"), rows.get(0).toString());
        assertTrue(rows.get(0).get("reason").startsWith("corrupt image: "), rows.get(0).toString());
        assertTrue(rows.get(1).get("path").endsWith("/dump/notes.txt"), rows.get(1).toString());
        assertEquals("not an image file name (expected bmp, gif, jpeg, jpg, png)", rows.get(1).get("reason"));
        assertTrue(rows.get(2).get("path").endsWith("/dump/text.png"), rows.get(2).toString());
        assertEquals("not a PNG, JPEG, BMP or GIF image", rows.get(2).get("reason"));
        assertTrue(rows.get(3).get("path").endsWith("/dump/zero.png"), rows.get(3).toString());
        assertEquals("empty file", rows.get(3).get("reason"));
    }

    @Test
    void aRunIsCommittedWholeWithParquetCsvAndSuccessMarkers() throws Exception {
        Path run = Path.of(java.net.URI.create(first.runDir()));
        assertTrue(run.getFileName().toString().matches("run-\\d{8}T\\d{6}\\.\\d{3}Z"), run.toString());
        for (String f : List.of("_SUCCESS", "summary.json", "predictions/_SUCCESS", "predictions-csv/_SUCCESS")) {
            assertTrue(Files.exists(run.resolve(f)), f);
        }
        long csvRows = spark.read().option("header", "true").csv(first.runDir() + "/predictions-csv").count();
        assertEquals(first.scored(), csvRows);
        try (var names = Files.list(work.resolve("scores"))) {
            assertTrue(names.allMatch(p -> p.getFileName().toString().startsWith("run-")), "staging left behind");
        }
    }

    @Test
    void aRerunGivesIdenticalPredictions() {
        assertEquals(first.scored(), rerun.scored());
        List<Row> a = predictions(first);
        List<Row> b = predictions(rerun);
        for (int i = 0; i < a.size(); i++) {
            for (int f = 0; f < a.get(i).size() - 1; f++) {
                assertEquals(a.get(i).get(f), b.get(i).get(f), a.get(i).schema().fields()[f].name());
            }
        }
    }

    @Test
    void incrementalScoringSkipsWhatThisModelVersionAlreadyScored() throws Exception {
        Path added = work.resolve("dump/day2/new.png");
        Files.createDirectories(added.getParent());
        Files.write(added, PngEncoder.encode(new SampleDataGenerator(32, 1, 1).image(3, new Random(5)), 32, 32));
        Map<String, Object> s = new HashMap<>(settings);
        s.put("pipeline.score.incremental", true);
        BatchScorer.Summary inc = new ScoreWorkflow(RunContext.of(PipelineConfig.of(s), spark)).run();
        assertEquals(1, inc.scored());
        assertEquals(10 * PER_CLASS + 1, inc.alreadyScored());
        assertEquals(List.of(added.toUri().toString().replace("file:///", "file:/")),
                predictions(inc).stream().map(r -> r.<String>getAs("path")).toList());
    }

    @Test
    void retrainingPromotesKeepsTheCurrentModelAndRespectsTheLock() throws Exception {
        ModelRegistry registry = new ModelRegistry(new org.apache.hadoop.fs.Path(work.resolve("registry").toUri()), conf);
        assertEquals(trained.id(), registry.currentId().orElseThrow(), "the first version becomes current");
        Map<String, Object> s = new HashMap<>(settings);
        s.put("pipeline.train.epochs", 1);

        try (RunLock held = RunLock.acquire(new org.apache.hadoop.fs.Path(registry.root(), RetrainWorkflow.LOCK_FILE),
                Duration.ofHours(1), conf)) {
            assertEquals(Optional.empty(), new RetrainWorkflow(RunContext.of(PipelineConfig.of(s), spark)).run());
        }
        assertEquals(1, registry.versions().size(), "a locked-out run trains nothing");

        // A learning rate of 10 wrecks the model: the gate keeps the current one.
        s.put("pipeline.train.rmsprop.learning-rate", 10);
        Decision kept = new RetrainWorkflow(RunContext.of(PipelineConfig.of(s), spark)).run().orElseThrow();
        assertEquals(Decision.KEPT_CURRENT, kept.outcome(), kept.reason());
        assertEquals(trained.id(), kept.current());
        assertTrue(kept.candidateMetrics().get("accuracy") < kept.currentMetrics().get("accuracy"));
        assertEquals(trained.id(), registry.currentId().orElseThrow());

        // A margin of 1 lets any model through.
        s.put("pipeline.train.rmsprop.learning-rate", 1e-3);
        s.put("pipeline.retrain.margin", 1.0);
        Decision promoted = new RetrainWorkflow(RunContext.of(PipelineConfig.of(s), spark)).run().orElseThrow();
        assertEquals(Decision.PROMOTED, promoted.outcome());
        assertEquals(promoted.candidate(), registry.currentId().orElseThrow());
        assertEquals(3, registry.versions().size());
        try (var records = Files.list(work.resolve("registry/decisions"))) {
            assertEquals(2, records.filter(p -> p.toString().endsWith(".json") && !p.getFileName().toString()
                    .startsWith(".")).count());
        }

        assertEquals(trained.id(), registry.rollback());
        assertFalse(Files.exists(work.resolve("registry/retrain.lock")));
        UserError e = assertThrows(UserError.class, () -> registry.promote("20990101-000000-zzzz", "x"));
        assertTrue(e.getMessage().contains("20990101-000000-zzzz"));
    }
}
