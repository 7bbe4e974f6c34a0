package org.imgpipe.score;

import org.imgpipe.base.Console;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.imgpipe.SparkTestSession;
import org.imgpipe.TestImages;
import org.imgpipe.data.ImageDecoder;
import org.imgpipe.io.CsvFiles;
import org.imgpipe.model.ModelS;
import org.imgpipe.registry.ModelVersion;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Dumps of real-world files: every file scored or rejected with its reason, and the run commits. */
@Tag("spark")
class ScoringInputsTest {
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SparkTestSession.get();
    }

    private static byte[] png(int rgb) throws Exception {
        return TestImages.encoded("png", rgb, 32);
    }

    private static void write(java.nio.file.Path file, byte[] bytes) throws Exception {
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
    }

    private static BatchScorer.Summary score(java.nio.file.Path input, java.nio.file.Path out, List<String> classes)
            throws Exception {
        ComputationGraph model = ModelS.build(ModelS.Spec.reference(classes.size(), 1));
        ModelVersion version = new ModelVersion("v1", "2026-11-30T00:00:00Z", classes, 32, Map.of(), Map.of(), "");
        return new BatchScorer(spark, 16, 2, ImageDecoder.DEFAULT_MAX_PIXELS, Console.system()).score(input.toString(),
                new Path(out.toUri()), version, model, false);
    }

    @Test
    void aColonABombAndAQuoteInNamesAndAFolderNamedLikeAGlob(@TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path dump = dir.resolve("dump[1]");
        write(dump.resolve("Screenshot 2024-01-01 at 12:30:00.png"), png(0x102030));
        write(dump.resolve("_tmp/ok.png"), png(0x203040));
        write(dump.resolve("bomb.png"), TestImages.pngHeaderOnly(26_000, 26_000));
        write(dump.resolve("quote\"q.txt"), new byte[]{1});
        java.nio.file.Path out = dir.resolve("scores");
        BatchScorer.Summary s = score(dump, out, List.of("a", "b"));
        assertEquals(2, s.scored());
        assertEquals(2, s.rejected());
        java.nio.file.Path run = java.nio.file.Path.of(new Path(s.runDir()).toUri().getPath());
        assertTrue(Files.exists(run.resolve("_SUCCESS")));
        List<Map<String, String>> rejected = CsvFiles.readRows(Files.newInputStream(run.resolve("rejected.csv")));
        assertEquals(2, rejected.size());
        assertTrue(rejected.get(0).get("path").endsWith("/dump[1]/bomb.png"), rejected.get(0).toString());
        assertEquals("26,000 x 26,000 pixels, more than pipeline.data.max-pixels (89,478,485): a decompression "
                + "bomb, or raise the limit", rejected.get(0).get("reason"));
        assertTrue(rejected.get(1).get("path").endsWith("/dump[1]/quote\"q.txt"), rejected.get(1).toString());
        assertTrue(Files.readString(run.resolve("rejected.csv")).contains("/quote\"\"q.txt\","),
                "RFC 4180 doubles a quote inside a quoted field");
        try (Stream<java.nio.file.Path> left = Files.list(out)) {
            assertEquals(List.of(run.getFileName().toString()), left.map(p -> p.getFileName().toString()).toList(),
                    "no staging folder left");
        }
    }

    @Test
    void classNamesThatDifferOnlyInCaseOrScriptGetTheirOwnColumns(@TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path dump = dir.resolve("dump");
        write(dump.resolve("x.png"), png(0x445566));
        List<String> classes = List.of("Cat", "cat", "猫", "犬");
        BatchScorer.Summary s = score(dump, dir.resolve("scores"), classes);
        assertEquals(1, s.scored());
        Row row = spark.read().parquet(new Path(s.runDir(), "predictions").toString()).first();
        List<String> columns = List.of(row.schema().fieldNames());
        assertTrue(columns.containsAll(List.of("p_0_Cat", "p_1_cat", "p_2__", "p_3__")), columns.toString());
        float sum = 0;
        for (int c = 0; c < 4; c++) {
            sum += row.<Float>getAs(PredictionRows.probabilityColumn(c, classes.get(c)));
        }
        assertEquals(1f, sum, 1e-5f);
    }
}
