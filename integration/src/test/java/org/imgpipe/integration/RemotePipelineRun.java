package org.imgpipe.integration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.SparkSession;
import org.imgpipe.workflow.RunContext;
import org.imgpipe.config.PipelineConfig;
import org.imgpipe.data.IngestReport;
import org.imgpipe.data.SampleDataGenerator;
import org.imgpipe.model.ModelStore;
import org.imgpipe.base.EpochResult;
import org.imgpipe.workflow.EvaluateWorkflow;
import org.imgpipe.workflow.IngestWorkflow;
import org.imgpipe.workflow.TrainWorkflow;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ingest -> train (1 epoch) -> evaluate with every location on one remote file system: the folds
 * (generated and uploaded), the work dir, the exported minibatches, the models and
 * checkpoint, the metrics and the registry.
 */
final class RemotePipelineRun {
    static final List<String> FOLDS = List.of("train1", "train2", "train3", "train4", "train5", "test");
    static final int IMAGES_PER_CLASS = 8;

    final IngestReport ingest;
    final TrainWorkflow.Result trained;
    final EvaluateWorkflow.Result evaluated;
    final String output;

    private RemotePipelineRun(IngestReport ingest, TrainWorkflow.Result trained, EvaluateWorkflow.Result evaluated,
                              String output) {
        this.ingest = ingest;
        this.trained = trained;
        this.evaluated = evaluated;
        this.output = output;
    }

    static RemotePipelineRun run(String base, Map<String, String> hadoop, SparkSession spark) throws IOException {
        Map<String, Object> settings = new HashMap<>(Map.of(
                "pipeline.data.root", base + "/data",
                "pipeline.work.dir", base + "/work",
                "pipeline.train.master.export-dir", base + "/export",
                "pipeline.train.epochs", 1,
                "pipeline.train.batch-size", 16,
                "pipeline.model.batch-norm-momentum", 0.9,
                "pipeline.eval.split", "train2"));
        hadoop.forEach((k, v) -> settings.put(PipelineConfig.ROOT + ".hadoop." + k, v));
        PipelineConfig config = PipelineConfig.of(settings);

        // The generated folds are written straight to the remote store (S3A's copyFromLocalFile in
        // Hadoop 3.3.4 hangs on a folder of many small files).
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        config.applyHadoopSettings(conf);
        new SampleDataGenerator(32, IMAGES_PER_CLASS, 7).generate(new Path(base + "/data"), FOLDS, conf);

        try (OutputCapture capture = new OutputCapture()) {
            RunContext run = RunContext.of(config, spark, capture.console());
            IngestReport ingest = new IngestWorkflow(run).run();
            TrainWorkflow.Result trained = new TrainWorkflow(run).run();
            EvaluateWorkflow.Result evaluated = new EvaluateWorkflow(run).run();
            return new RemotePipelineRun(ingest, trained, evaluated, capture.text());
        }
    }

    /** Checks that every output is complete and on the remote file system. */
    void assertCompleteOn(String base, Configuration conf) throws IOException {
        assertEquals(FOLDS.size() * 10L * IMAGES_PER_CLASS, ingest.decoded());
        assertEquals(List.of(), ingest.skipped());
        assertEquals(1, trained.history().size());
        // The model read back from the remote store scores the validation fold exactly as training did.
        EpochResult epoch = trained.history().get(0);
        assertEquals(80, evaluated.metrics().count());
        assertEquals(epoch.valAccuracy(), evaluated.metrics().accuracy(), 1e-9);
        assertEquals(epoch.valLoss(), evaluated.metrics().loss(), 1e-4);
        assertTrue(evaluated.metricsFile().toString().startsWith(base), evaluated.metricsFile().toString());

        FileSystem fs = new Path(base).getFileSystem(conf);
        for (String f : List.of("work/models/best.zip", "work/models/final.zip", "work/models/checkpoint.zip",
                "work/models/history.json", "work/eval/train2/metrics.json", "work/registry/current.json")) {
            assertTrue(fs.exists(new Path(base + "/" + f)), base + "/" + f);
        }
        assertTrue(fs.exists(new Path(base + "/work/decoded/_SUCCESS")), "decoded folds committed");
        for (String fold : FOLDS) {
            assertTrue(fs.exists(new Path(base + "/work/decoded/fold=" + fold)), "decoded " + fold);
        }
        assertEquals(1_886_282, ModelStore.load(new Path(base + "/work/models/best.zip"), conf).numParams());
        JsonNode metrics = new ObjectMapper().readTree(read(fs, new Path(base + "/work/eval/train2/metrics.json")));
        assertEquals(evaluated.metrics().accuracy(), metrics.get("accuracy").asDouble(), 1e-12);
    }

    /** Every file under base whose text holds the string (secrets must be in none). */
    static List<String> filesContaining(String base, Configuration conf, String s) throws IOException {
        FileSystem fs = new Path(base).getFileSystem(conf);
        List<String> hits = new ArrayList<>();
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(new Path(base), true);
        while (it.hasNext()) {
            Path p = it.next().getPath();
            if (read(fs, p).contains(s)) {
                hits.add(p.toString());
            }
        }
        return hits;
    }

    static String read(FileSystem fs, Path p) throws IOException {
        try (InputStream in = fs.open(p)) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
