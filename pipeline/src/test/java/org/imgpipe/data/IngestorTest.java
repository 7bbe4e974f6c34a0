package org.imgpipe.data;

import org.imgpipe.base.Console;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.imgpipe.SparkTestSession;
import org.imgpipe.base.UserError;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("spark")
class IngestorTest {
    private static final List<String> FOLDS = List.of("train1", "train2", "test");
    private static SparkSession spark;
    private static Configuration conf;

    @BeforeAll
    static void start() {
        spark = SparkTestSession.get();
        conf = spark.sparkContext().hadoopConfiguration();
    }

    private static Path sampleRoot(java.nio.file.Path dir, int perClass) throws Exception {
        Path root = new Path(dir.toUri().toString(), "images");
        new SampleDataGenerator(32, perClass, 3).generate(root, FOLDS, conf);
        return root;
    }

    @Test
    void countsEveryClassOfEveryFoldAndSkipsBrokenFiles(@TempDir java.nio.file.Path dir) throws Exception {
        Path root = sampleRoot(dir, 3);
        java.nio.file.Path local = dir.resolve("images");
        Files.writeString(local.resolve("train1/002_blue_triangle/notes.png"), "not an image", StandardCharsets.UTF_8);
        Files.write(local.resolve("train2/000_red_disc/empty.png"), new byte[0]);
        Files.writeString(local.resolve("train1/README.txt"), "stray", StandardCharsets.UTF_8);

        DatasetLayout layout = DatasetLayout.scan(root, FOLDS, conf);
        assertEquals(SampleDataGenerator.CLASS_NAMES, layout.classNames());
        Path decoded = new Path(dir.toUri().toString(), "decoded");
        IngestReport report = new Ingestor(spark, 32, 2, ImageDecoder.DEFAULT_MAX_PIXELS, Console.system()).ingest(layout, decoded);

        for (String fold : FOLDS) {
            assertArrayEquals(new long[]{3, 3, 3, 3, 3, 3, 3, 3, 3, 3}, report.counts().get(fold), fold);
        }
        assertEquals(90, report.decoded());
        assertEquals(3, report.skipped().size());
        assertTrue(report.skipped().get(0).path().endsWith("train1/README.txt"));
        assertEquals("not inside a class folder", report.skipped().get(0).reason());
        assertTrue(report.skipped().get(1).path().endsWith("train1/002_blue_triangle/notes.png"));
        assertEquals("not a PNG, JPEG, BMP or GIF image", report.skipped().get(1).reason());
        assertTrue(report.skipped().get(2).path().endsWith("train2/000_red_disc/empty.png"));
        assertEquals("empty file", report.skipped().get(2).reason());
        assertTrue(report.table().contains("total"));

        DecodedStore store = DecodedStore.open(spark, decoded);
        assertEquals(SampleDataGenerator.CLASS_NAMES, store.manifest().classNames());
        List<LabeledImage> train1 = store.fold("train1").collect();
        assertEquals(30, train1.size());
        assertEquals(32 * 32 * 3, train1.get(0).pixels().length);
        UserError missing = assertThrows(UserError.class, () -> store.fold("train5"));
        assertTrue(missing.getMessage().startsWith("fold 'train5' was not ingested"), missing.getMessage());
    }

    @Test
    void decodedPixelsEqualTheSourceImages(@TempDir java.nio.file.Path dir) throws Exception {
        Path root = new Path(dir.toUri().toString(), "one");
        java.nio.file.Path cls = dir.resolve("one/train1/000_x");
        Files.createDirectories(cls);
        byte[] rgb = new byte[32 * 32 * 3];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (byte) (i * 7);
        }
        Files.write(cls.resolve("a.png"), PngEncoder.encode(rgb, 32, 32));
        Path decoded = new Path(dir.toUri().toString(), "decoded");
        new Ingestor(spark, 32, 1, ImageDecoder.DEFAULT_MAX_PIXELS, Console.system()).ingest(DatasetLayout.scan(root, List.of("train1"), conf), decoded);
        LabeledImage img = DecodedStore.open(spark, decoded).fold("train1").first();
        assertEquals(0, img.label());
        assertArrayEquals(rgb, img.pixels());
    }

    @Test
    void reingestReplacesTheDecodedFolder(@TempDir java.nio.file.Path dir) throws Exception {
        Path root = sampleRoot(dir, 1);
        Path decoded = new Path(dir.toUri().toString(), "decoded");
        DatasetLayout layout = DatasetLayout.scan(root, FOLDS, conf);
        new Ingestor(spark, 32, 2, ImageDecoder.DEFAULT_MAX_PIXELS, Console.system()).ingest(layout, decoded);
        new Ingestor(spark, 32, 2, ImageDecoder.DEFAULT_MAX_PIXELS, Console.system()).ingest(layout, decoded);
        assertEquals(10, DecodedStore.open(spark, decoded).fold("test").count());
        try (var files = Files.list(dir)) {
            assertEquals(List.of("decoded", "images"), files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void anEmptyClassFolderIsReportedAndAFailedIngestLeavesNoStagingFolder(@TempDir java.nio.file.Path dir)
            throws Exception {
        Path root = sampleRoot(dir, 1);
        try (var files = Files.list(dir.resolve("images/test/004_cyan_vstripes"))) {
            for (java.nio.file.Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Path decoded = new Path(dir.toUri().toString(), "decoded");
        IngestReport report = new Ingestor(spark, 32, 2, ImageDecoder.DEFAULT_MAX_PIXELS, Console.system()).ingest(DatasetLayout.scan(root, FOLDS, conf), decoded);
        assertEquals(0, report.counts().get("test")[4]);
        assertEquals(1, report.skipped().size());
        assertTrue(report.skipped().get(0).path().endsWith("test/004_cyan_vstripes"), report.skipped().toString());
        assertEquals("class folder holds no decodable image", report.skipped().get(0).reason());

        // A fold whose folder vanishes between the scan and the decode fails the job, cleanly.
        DatasetLayout layout = DatasetLayout.scan(root, FOLDS, conf);
        org.apache.commons.io.FileUtils.deleteDirectory(dir.resolve("images/train2").toFile());
        Path other = new Path(dir.toUri().toString(), "decoded2");
        org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> new Ingestor(spark, 32, 2, ImageDecoder.DEFAULT_MAX_PIXELS, Console.system()).ingest(layout, other));
        try (var names = Files.list(dir)) {
            assertEquals(List.of("decoded", "images"), names.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void aMissingFoldIsNamed(@TempDir java.nio.file.Path dir) throws Exception {
        Path root = sampleRoot(dir, 1);
        UserError e = assertThrows(UserError.class,
                () -> DatasetLayout.scan(root, List.of("train1", "train4"), conf));
        assertTrue(e.getMessage().startsWith("missing fold 'train4'"), e.getMessage());
    }

    @Test
    void classFoldersMustMatchAcrossFolds(@TempDir java.nio.file.Path dir) throws Exception {
        Path root = sampleRoot(dir, 1);
        Files.createDirectories(dir.resolve("images/test/010_extra"));
        UserError e = assertThrows(UserError.class, () -> DatasetLayout.scan(root, FOLDS, conf));
        assertEquals("fold 'test' has other class folders than fold 'train1'; not in train1: [010_extra] "
                + "(every fold needs the same class folders)", e.getMessage());
    }

    @Test
    void aMissingDataRootIsNamed(@TempDir java.nio.file.Path dir) {
        Path root = new Path(dir.toUri().toString(), "nothing-here");
        UserError e = assertThrows(UserError.class, () -> DatasetLayout.scan(root, FOLDS, conf));
        assertTrue(e.getMessage().startsWith("data root not found or not a folder: " + root), e.getMessage());
    }
}
