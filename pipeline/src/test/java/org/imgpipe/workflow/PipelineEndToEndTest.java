package org.imgpipe.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.sql.SparkSession;
import org.imgpipe.SparkTestSession;
import org.imgpipe.base.UserError;
import org.imgpipe.config.PipelineConfig;
import org.imgpipe.data.IngestReport;
import org.imgpipe.model.ModelStore;
import org.imgpipe.base.EpochResult;
import org.imgpipe.train.TrainingHistory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sample data -> ingest -> 2 epochs of distributed training in local[2] -> evaluation. */
@Tag("spark")
class PipelineEndToEndTest {
    @TempDir
    static Path work;
    private static SparkSession spark;
    private static PipelineConfig config;
    private static IngestReport ingest;
    private static TrainWorkflow.Result trained;

    @BeforeAll
    static void runPipeline() throws Exception {
        spark = SparkTestSession.get();
        config = PipelineConfig.of(Map.of(
                "pipeline.work.dir", work.toUri().toString(),
                "pipeline.data.sample.images-per-class", 16,
                "pipeline.train.epochs", 2,
                // As conf/sample.conf: tiny data gives BatchNorm's moving statistics few updates.
                "pipeline.model.batch-norm-momentum", 0.9,
                "pipeline.train.batch-size", 16,
                "pipeline.train.master.averaging-frequency", 2));
        ingest = new IngestWorkflow(RunContext.of(config, spark)).run();
        trained = new TrainWorkflow(RunContext.of(config, spark)).run();
    }

    @Test
    void ingestDecodedEverySampleImage() {
        assertEquals(6 * 160, ingest.decoded());
        assertEquals(List.of(), ingest.skipped());
        assertTrue(Files.exists(work.resolve("reports/ingest/counts.csv")));
    }

    @Test
    void twoEpochsLearnClearlyAboveChance() {
        List<EpochResult> h = trained.history();
        assertEquals(2, h.size());
        assertTrue(h.get(1).valAccuracy() > 0.4, "val_accuracy " + h.get(1).valAccuracy() + " (chance 0.1)");
        assertTrue(h.get(1).accuracy() > 0.2, "training accuracy " + h.get(1).accuracy());
        for (EpochResult e : h) {
            assertTrue(Double.isFinite(e.loss()) && Double.isFinite(e.valLoss()), e.toString());
            assertEquals(1e-3, e.lr());
        }
    }

    @Test
    void historyAndModelsAreWritten() throws Exception {
        List<String> csv = Files.readAllLines(work.resolve("models/history.csv"));
        assertEquals(TrainingHistory.CSV_HEADER, csv.get(0));
        assertEquals(3, csv.size());
        JsonNode json = new ObjectMapper().readTree(work.resolve("models/history.json").toFile());
        assertEquals(2, json.size());
        assertTrue(Files.size(work.resolve("models/best.zip")) > 1_000_000);
        assertTrue(Files.size(work.resolve("models/final.zip")) > 1_000_000);
        assertEquals(1_886_282, ModelStore.load(new org.apache.hadoop.fs.Path(work.resolve("models/best.zip").toUri()),
                spark.sparkContext().hadoopConfiguration()).numParams());
    }

    @Test
    void evaluationWritesTheMetricsOfTheBestModel() throws Exception {
        EvaluateWorkflow.Result r = new EvaluateWorkflow(RunContext.of(config, spark)).run();
        assertEquals(160, r.metrics().count());
        JsonNode m = new ObjectMapper().readTree(work.resolve("eval/test/metrics.json").toFile());
        for (String key : List.of("accuracy", "macro_precision", "macro_recall", "macro_f1", "weighted_precision",
                "weighted_recall", "weighted_f1", "class_names", "confusion_matrix", "auc", "per_class")) {
            assertTrue(m.has(key), "metrics.json lacks " + key);
        }
        assertEquals(r.metrics().accuracy(), m.get("accuracy").asDouble(), 1e-12);
        assertTrue(m.get("accuracy").asDouble() > 0.4, "test accuracy " + m.get("accuracy"));
        assertEquals(10, m.get("confusion_matrix").size());
        long total = 0;
        for (JsonNode row : m.get("confusion_matrix")) {
            for (JsonNode v : row) {
                total += v.asLong();
            }
        }
        assertEquals(160, total);
        assertTrue(m.get("auc").get("000_red_disc").asDouble() > 0.5);
        assertEquals(11, Files.readAllLines(work.resolve("eval/test/confusion_matrix.csv")).size());
        assertEquals(1 + 10 * 201, Files.readAllLines(work.resolve("eval/test/roc.csv")).size());
    }

    @Test
    void everySparkJobIsInAGroupNamingItsPhase() throws Exception {
        new EvaluateWorkflow(RunContext.of(config, spark)).run();
        var tracker = spark.sparkContext().statusTracker();
        for (String phase : List.of("ingest", "epoch 1/2 fit", "epoch 1/2 validate", "epoch 2/2 fit",
                "epoch 2/2 validate", "evaluate test")) {
            assertTrue(tracker.getJobIdsForGroup(phase).length > 0, "no Spark job in group '" + phase + "'");
        }
        assertEquals(0, tracker.getJobIdsForGroup("epoch 3/2 fit").length);
    }

    @Test
    void theReportIsDrawnFromTheRunsOutputs() throws Exception {
        new EvaluateWorkflow(RunContext.of(config, spark)).run();
        org.apache.hadoop.fs.Path html = new ReportWorkflow(RunContext.of(config, spark)).run();
        Path dir = Path.of(html.toUri()).getParent();
        assertEquals(work.resolve("report"), dir);
        String md = Files.readString(dir.resolve("report.md"));
        for (String heading : List.of("Class distribution", "Sample images", "Model summary", "Training curves",
                "Confusion matrix", "ROC curves", "Metrics", "Most confused classes", "Most confident mistakes",
                "This run beside the reference", "Epochs: figures and time", "Settings and environment")) {
            assertTrue(md.contains("\n## " + heading + "\n"), heading);
        }
        for (String png : List.of("class-distribution-1-train1.png", "class-distribution-6-test.png", "samples.png",
                "training-accuracy.png", "training-loss.png", "confusion-matrix.png", "roc.png", "misclassified.png",
                "epoch-seconds.png")) {
            assertTrue(md.contains("](" + png + ")"), png);
            assertTrue(javax.imageio.ImageIO.read(dir.resolve(png).toFile()).getWidth() > 100, png);
        }
        assertTrue(md.contains("| epochs logged | 2 | 38 | -36 |"), md);
        assertTrue(md.contains("Recorded by the training job when it (last) started."));
        assertTrue(Files.readString(dir.resolve("index.html")).startsWith("<!DOCTYPE html>"));
        assertEquals(List.of(), Files.list(work).filter(p -> p.getFileName().toString().startsWith("_tmp-report"))
                .toList(), "no staging folder left");
    }

    @Test
    void theRunRecordsItsEnvironmentForTheReport() throws Exception {
        JsonNode run = new ObjectMapper().readTree(work.resolve("models/run.json").toFile());
        assertEquals(spark.version(), run.get("environment").get("spark").asText());
        assertEquals("local[2]", run.get("environment").get("sparkMaster").asText());
        assertEquals("1.0.0-M2", run.get("environment").get("dl4j").asText());
        assertTrue(run.get("settings").asText().contains("epochs=2"), run.get("settings").asText());
    }

    @Test
    void anUnwritableOutputLocationIsAUserErrorNamingTheSetting() throws Exception {
        Path blocker = Files.writeString(work.resolve("a-file"), "not a folder");
        PipelineConfig c = PipelineConfig.of(Map.of("pipeline.work.dir", work.toUri().toString(),
                "pipeline.eval.output-dir", blocker.toUri() + "/eval"));
        UserError e = assertThrows(UserError.class, () -> new EvaluateWorkflow(RunContext.of(c, spark)).run());
        assertTrue(e.getMessage().startsWith("cannot write to file:" + blocker + "/eval"), e.getMessage());
        assertTrue(e.getMessage().endsWith("set pipeline.eval.output-dir to a writable location"), e.getMessage());
    }

    @Test
    void aFileThatIsNotAModelIsAUserError() throws Exception {
        Path bogus = Files.writeString(work.resolve("not-a-model.zip"), "hello");
        PipelineConfig c = PipelineConfig.of(Map.of("pipeline.work.dir", work.toUri().toString(),
                "pipeline.eval.model", bogus.toUri().toString()));
        UserError e = assertThrows(UserError.class, () -> new EvaluateWorkflow(RunContext.of(c, spark)).run());
        assertTrue(e.getMessage().startsWith(bogus.toUri().toString().replace("file:///", "file:/")
                + " is not a saved model"), e.getMessage());
    }
}
