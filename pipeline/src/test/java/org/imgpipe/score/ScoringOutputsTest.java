package org.imgpipe.score;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.imgpipe.SparkTestSession;
import org.imgpipe.TestImages;
import org.imgpipe.base.Console;
import org.imgpipe.data.ImageDecoder;
import org.imgpipe.data.SkippedFile;
import org.imgpipe.io.CsvFiles;
import org.imgpipe.model.ModelS;
import org.imgpipe.registry.ModelVersion;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a scoring run writes: Parquet that Spark reads with the expected types, the same rows as CSV. */
@Tag("spark")
class ScoringOutputsTest {
    private static final List<String> COLUMNS = List.of("path", "predicted_index", "predicted_class", "confidence",
            "top1_class", "top1_probability", "top2_class", "top2_probability", "top3_class", "top3_probability",
            "p_0_a", "p_1_b", "model_version", "scored_at");
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SparkTestSession.get();
    }

    private static BatchScorer.Summary score(java.nio.file.Path input, java.nio.file.Path out) throws Exception {
        return score(input, out, false);
    }

    private static BatchScorer.Summary score(java.nio.file.Path input, java.nio.file.Path out, boolean incremental)
            throws Exception {
        ComputationGraph model = ModelS.build(ModelS.Spec.reference(2, 1));
        ModelVersion version = new ModelVersion("v1", "2026-11-30T00:00:00Z", List.of("a", "b"), 32, Map.of(),
                Map.of(), "");
        return new BatchScorer(spark, 16, 2, ImageDecoder.DEFAULT_MAX_PIXELS, Console.system()).score(input.toString(),
                new Path(out.toUri()), version, model, incremental);
    }

    private static java.nio.file.Path local(String uri) {
        return java.nio.file.Path.of(new Path(uri).toUri().getPath());
    }

    /** The run's start, from its folder's name {@code run-yyyyMMdd'T'HHmmss.SSS'Z'}. */
    private static LocalDateTime runStart(java.nio.file.Path run) {
        String name = run.getFileName().toString();
        return LocalDateTime.parse(name.substring(4, name.length() - 1),
                DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS"));
    }

    private static List<String> partFiles(java.nio.file.Path folder, String suffix) throws Exception {
        try (Stream<java.nio.file.Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(suffix)).sorted().toList();
        }
    }

    @Test
    void parquetAndCsvHoldTheSameRowsWithSparksTypes(@TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path dump = dir.resolve("dump");
        Files.createDirectories(dump);
        int[] colours = {0x102030, 0xc0a080, 0x00ff00};
        for (int i = 0; i < colours.length; i++) {
            Files.write(dump.resolve(i + ",x\"q.png"), TestImages.encoded("png", colours[i], 32));
        }
        Files.write(dump.resolve("broken.png"), new byte[]{1, 2, 3});
        BatchScorer.Summary s = score(dump, dir.resolve("scores"));
        assertEquals(3, s.scored());
        assertEquals(1, s.rejected());
        java.nio.file.Path run = local(s.runDir());

        Dataset<Row> parquet = spark.read().parquet(run.resolve("predictions").toString());
        assertEquals(COLUMNS, Arrays.asList(parquet.schema().fieldNames()));
        Map<String, DataType> types = new HashMap<>();
        for (StructField f : parquet.schema().fields()) {
            types.put(f.name(), f.dataType());
        }
        assertEquals(DataTypes.StringType, types.get("path"));
        assertEquals(DataTypes.IntegerType, types.get("predicted_index"));
        assertEquals(DataTypes.FloatType, types.get("confidence"));
        assertEquals(DataTypes.FloatType, types.get("p_1_b"));
        assertEquals(DataTypes.TimestampType, types.get("scored_at"));
        ParquetMetadata footer = footer(run.resolve("predictions/part-00000.snappy.parquet"));
        MessageType schema = footer.getFileMetaData().getSchema();
        assertEquals(Type.Repetition.REQUIRED, schema.getType("path").getRepetition());
        assertEquals(Type.Repetition.OPTIONAL, schema.getType("top3_class").getRepetition());
        assertEquals(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS),
                schema.getType("scored_at").getLogicalTypeAnnotation());
        Map<String, ColumnChunkMetaData> chunks = new HashMap<>();
        footer.getBlocks().get(0).getColumns().forEach(c -> chunks.put(c.getPath().toDotString(), c));
        assertEquals(CompressionCodecName.SNAPPY, chunks.get("path").getCodec());
        assertFalse(chunks.get("p_0_a").getEncodings().contains(Encoding.PLAIN_DICTIONARY),
                "no dictionary for unique probabilities");
        assertFalse(chunks.get("path").getEncodings().contains(Encoding.PLAIN_DICTIONARY));
        assertTrue(chunks.get("model_version").getEncodings().contains(Encoding.PLAIN_DICTIONARY),
                chunks.get("model_version").getEncodings().toString());
        Timestamp start = Timestamp.from(runStart(run).toInstant(ZoneOffset.UTC));

        List<Map<String, String>> csvRows = new ArrayList<>();
        java.nio.file.Path csvFolder = run.resolve("predictions-csv");
        for (String part : partFiles(csvFolder, ".csv")) {
            String text = Files.readString(csvFolder.resolve(part), StandardCharsets.UTF_8);
            assertTrue(text.startsWith(String.join(",", COLUMNS) + "\n"), text);
            csvRows.addAll(CsvFiles.readRows(Files.newInputStream(csvFolder.resolve(part))));
        }
        Map<String, Map<String, String>> csvByPath = new HashMap<>();
        csvRows.forEach(r -> csvByPath.put(r.get("path"), r));
        assertEquals(3, csvByPath.size());

        List<Row> rows = parquet.orderBy("path").collectAsList();
        assertEquals(3, rows.size());
        String csvStart = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").format(runStart(run));
        for (Row r : rows) {
            float p0 = r.getAs("p_0_a");
            float p1 = r.getAs("p_1_b");
            int predicted = p1 > p0 ? 1 : 0;
            assertEquals(predicted, (int) r.<Integer>getAs("predicted_index"));
            assertEquals(List.of("a", "b").get(predicted), r.getAs("predicted_class"));
            assertEquals(Math.max(p0, p1), r.<Float>getAs("confidence"));
            assertEquals(r.<String>getAs("predicted_class"), r.getAs("top1_class"));
            assertEquals(Math.min(p0, p1), r.<Float>getAs("top2_probability"));
            assertNull(r.getAs("top3_class"), "two classes have no third");
            assertNull(r.getAs("top3_probability"));
            assertEquals("v1", r.getAs("model_version"));
            assertEquals(start, r.getAs("scored_at"));

            Map<String, String> csv = csvByPath.get(r.<String>getAs("path"));
            for (String c : List.of("predicted_index", "predicted_class", "top1_class", "top2_class",
                    "model_version")) {
                assertEquals(String.valueOf(r.<Object>getAs(c)), csv.get(c), c);
            }
            for (String c : List.of("confidence", "top1_probability", "top2_probability", "p_0_a", "p_1_b")) {
                assertEquals(Float.toString(r.getAs(c)), csv.get(c), c);
            }
            assertEquals("", csv.get("top3_class"));
            assertEquals(csvStart, csv.get("scored_at"));
        }
        assertTrue(rows.get(0).<String>getAs("path").endsWith("/dump/0,x\"q.png"), "a comma and a quote survive");
        assertTrue(Files.readString(csvFolder.resolve(partFiles(csvFolder, ".csv").get(0))).contains(",x\"\"q.png\","),
                "RFC 4180 doubles a quote inside a quoted field");
        assertTrue(Files.exists(run.resolve("predictions/_SUCCESS")));
        assertTrue(Files.exists(run.resolve("predictions-csv/_SUCCESS")));
        assertFalse(Files.exists(run.resolve("_attempts")));
    }

    @Test
    void aRunWithoutOneReadableImageStillWritesTheSchemaAndTheHeader(@TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path dump = dir.resolve("dump");
        Files.createDirectories(dump);
        Files.write(dump.resolve("empty.png"), new byte[0]);
        BatchScorer.Summary s = score(dump, dir.resolve("scores"));
        assertEquals(0, s.scored());
        assertEquals(1, s.rejected());
        java.nio.file.Path run = local(s.runDir());
        Dataset<Row> parquet = spark.read().parquet(run.resolve("predictions").toString());
        assertEquals(COLUMNS, Arrays.asList(parquet.schema().fieldNames()));
        assertEquals(0, parquet.count());
        java.nio.file.Path csvFolder = run.resolve("predictions-csv");
        List<String> parts = partFiles(csvFolder, ".csv");
        assertEquals(1, parts.size());
        assertEquals(String.join(",", COLUMNS) + "\n", Files.readString(csvFolder.resolve(parts.get(0))));
    }

    @Test
    void runsThatSparksParquetWriterWroteStillCountForIncrementalScoring(@TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path dump = dir.resolve("dump");
        Files.createDirectories(dump);
        Files.write(dump.resolve("first.png"), TestImages.encoded("png", 0x336699, 32));
        java.nio.file.Path scores = dir.resolve("scores");
        java.nio.file.Path run = local(score(dump, scores).runDir());
        // Runs before scoring wrote its own Parquet came from Spark's writer (timestamps as INT96).
        java.nio.file.Path sparkRun = scores.resolve("run-20261101T000000.000Z");
        Files.write(dump.resolve("second.png"), TestImages.encoded("png", 0x993366, 32));
        spark.read().parquet(score(dump, dir.resolve("elsewhere")).runDir() + "/predictions")
                .where("path like '%/second.png'").write().parquet(sparkRun.resolve("predictions").toString());
        try (Stream<java.nio.file.Path> parts = Files.list(sparkRun.resolve("predictions"))) {
            java.nio.file.Path part = parts.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow();
            assertEquals(PrimitiveType.PrimitiveTypeName.INT96, footer(part).getFileMetaData().getSchema()
                    .getType("scored_at").asPrimitiveType().getPrimitiveTypeName(), "Spark's own timestamps");
        }
        Files.write(dump.resolve("third.png"), TestImages.encoded("png", 0x669933, 32));

        BatchScorer.Summary incremental = score(dump, scores, true);
        assertEquals(1, incremental.scored());
        assertEquals(2, incremental.alreadyScored(), "one file from each earlier run");
        List<Row> all = spark.read().parquet(scores.resolve("run-*").resolve("predictions").toString())
                .orderBy("path").collectAsList();
        assertEquals(List.of("first.png", "second.png", "third.png"), all.stream()
                .map(r -> r.<String>getAs("path").substring(r.<String>getAs("path").lastIndexOf('/') + 1)).toList());
        assertEquals(Timestamp.from(runStart(run).toInstant(ZoneOffset.UTC)), all.get(0).getAs("scored_at"));
        assertTrue(all.get(1).getAs("scored_at") instanceof Timestamp);

        BatchScorer.Summary nothingNew = score(dump, scores, true);
        assertEquals(0, nothingNew.scored());
        assertEquals(3, nothingNew.alreadyScored());
        assertEquals(0, spark.read().parquet(nothingNew.runDir() + "/predictions").count());
    }

    private static ParquetMetadata footer(java.nio.file.Path file) throws Exception {
        try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(new Path(file.toUri()),
                new Configuration()))) {
            return reader.getFooter();
        }
    }

    @Test
    void theDriverKeepsTheAttemptsItReceivedInPartitionOrderAndDeletesTheRest(@TempDir java.nio.file.Path dir)
            throws Exception {
        PartitionCommitter committer = new PartitionCommitter(FileSystem.getLocal(new Configuration()),
                new Path(dir.toUri()));
        java.nio.file.Path attempts = java.nio.file.Path.of(committer.attempts().toUri());
        for (String name : List.of("0-0", "0-1", "1-0")) {
            Files.writeString(attempts.resolve(name + ".parquet"), "parquet " + name);
            Files.writeString(attempts.resolve(name + ".csv"), "csv " + name);
        }
        // Partition 0's first attempt failed after writing; the driver received 0-1 and 1-0.
        List<PartitionFiles> received = List.of(
                new PartitionFiles(hadoopPath(attempts.resolve("0-1.parquet")), hadoopPath(attempts.resolve("0-1.csv")),
                        5, List.of()),
                new PartitionFiles(hadoopPath(attempts.resolve("1-0.parquet")), hadoopPath(attempts.resolve("1-0.csv")),
                        7, List.of(new SkippedFile("x.png", "corrupt"))));
        committer.commit(received);

        assertEquals("parquet 0-1", Files.readString(dir.resolve("predictions/part-00000.snappy.parquet")));
        assertEquals("parquet 1-0", Files.readString(dir.resolve("predictions/part-00001.snappy.parquet")));
        assertEquals("csv 0-1", Files.readString(dir.resolve("predictions-csv/part-00000.csv")));
        assertEquals("csv 1-0", Files.readString(dir.resolve("predictions-csv/part-00001.csv")));
        assertArrayEquals(new String[]{"_SUCCESS", "part-00000.snappy.parquet", "part-00001.snappy.parquet"},
                visible(dir.resolve("predictions")));
        assertArrayEquals(new String[]{"_SUCCESS", "part-00000.csv", "part-00001.csv"},
                visible(dir.resolve("predictions-csv")));
        assertFalse(Files.exists(attempts), "the failed attempt's files are gone with the attempts folder");
        assertEquals(List.of(new SkippedFile("x.png", "corrupt")), received.get(1).rejected());
    }

    private static String hadoopPath(java.nio.file.Path file) {
        return new Path(file.toUri()).toString();
    }

    /** A folder's names without hidden files (Hadoop's checksum files start with a dot). */
    private static String[] visible(java.nio.file.Path folder) throws Exception {
        try (Stream<java.nio.file.Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted()
                    .toArray(String[]::new);
        }
    }
}
