package org.imgpipe.workflow;

import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.imgpipe.SparkTestSession;
import org.imgpipe.base.UserError;
import org.imgpipe.config.PipelineConfig;
import org.imgpipe.data.SampleDataGenerator;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A test fold with class folders but no images: retraining stops after ingest, before training,
 * naming the split, and nothing is registered or promoted.
 */
@Tag("spark")
class EmptySplitTest {
    @TempDir
    static java.nio.file.Path work;

    @Test
    void retrainingStopsBeforeTrainingNamingTheEmptySplit() throws Exception {
        SparkSession spark = SparkTestSession.get();
        java.nio.file.Path data = work.resolve("data");
        new SampleDataGenerator(32, 2, 5).generate(new Path(data.toUri()),
                List.of("train1", "train2", "train3", "train4", "train5", "test"),
                spark.sparkContext().hadoopConfiguration());
        try (Stream<java.nio.file.Path> files = Files.walk(data.resolve("test"))) {
            for (java.nio.file.Path f : files.filter(Files::isRegularFile).toList()) {
                Files.delete(f);
            }
        }
        PipelineConfig config = PipelineConfig.of(Map.of("pipeline.work.dir", work.resolve("work").toUri().toString(),
                "pipeline.data.root", data.toUri().toString(), "pipeline.train.epochs", 1));
        UserError e = assertThrows(UserError.class, () -> new RetrainWorkflow(RunContext.of(config, spark)).run());
        assertEquals("split 'test' (pipeline.eval.split) has no images: add images to it or name another split, "
                + "and rerun ingest", e.getMessage());
        assertFalse(Files.exists(work.resolve("work/models/best.zip")), "no training happened");
        try (Stream<java.nio.file.Path> registry = Files.list(work.resolve("work/registry"))) {
            assertEquals(List.of(), registry.filter(p -> !p.getFileName().toString().startsWith(".")).map(
                    p -> p.getFileName().toString()).filter(n -> !n.equals("retrain.lock")).toList(),
                    "nothing registered, nothing promoted");
        }
    }
}
