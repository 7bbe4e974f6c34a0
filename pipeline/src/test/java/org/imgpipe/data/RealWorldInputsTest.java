package org.imgpipe.data;

import org.imgpipe.base.Console;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.imgpipe.SparkTestSession;
import org.imgpipe.TestImages;
import org.imgpipe.base.UserError;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Inputs modelled on public bug reports against Keras, PyTorch, Spark, Hadoop and ImageIO: each file
 * is used or listed with its reason, and none fails the job.
 */
@Tag("spark")
class RealWorldInputsTest {
    private static SparkSession spark;
    private static Configuration conf;

    @BeforeAll
    static void start() {
        spark = SparkTestSession.get();
        conf = spark.sparkContext().hadoopConfiguration();
    }

    private static byte[] image(String format, int rgb) throws Exception {
        return TestImages.encoded(format, rgb, 32);
    }

    private static void write(java.nio.file.Path file, byte[] bytes) throws Exception {
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
    }

    private static IngestReport ingest(java.nio.file.Path root, List<String> folds, java.nio.file.Path out)
            throws Exception {
        DatasetLayout layout = DatasetLayout.scan(new Path(root.toUri()), folds, conf);
        return new Ingestor(spark, 32, 2, ImageDecoder.DEFAULT_MAX_PIXELS, Console.system()).ingest(layout, new Path(out.toUri()));
    }

    @Test
    void reservedCharactersUnderscoresAndUnicodeAreOrdinaryNames(@TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path root = dir.resolve("data");
        write(root.resolve("train1/cat/Screenshot 2024-01-01 at 12:30:00.png"), image("png", 0x102030));
        write(root.resolve("train1/cat/a:b;c=d,e&f#g%h?.png"), image("png", 0x203040));
        write(root.resolve("train1/cat/_IMG_0002.png"), image("png", 0x304050));
        write(root.resolve("train1/_misc/x.png"), image("png", 0x405060));
        write(root.resolve("train1/chat_猫/hund_ünïcode.png"), image("png", 0x506070));
        IngestReport r = ingest(root, List.of("train1"), dir.resolve("decoded"));
        assertEquals(List.of("_misc", "cat", "chat_猫"), r.classNames());
        assertArrayEquals(new long[]{1, 3, 1}, r.counts().get("train1"));
        assertEquals(List.of(), r.skipped());
    }

    @Test
    void dotEntriesAreCountedAndAFolderLoopIsListedOnce(@TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path root = dir.resolve("data");
        write(root.resolve("train1/dog/a.png"), image("png", 0x111111));
        write(root.resolve("train1/dog/b.png"), image("png", 0x222222));
        write(root.resolve("train1/dog/.DS_Store"), new byte[]{0, 1});
        write(root.resolve("train1/dog/.thumbs/c.png"), image("png", 0x333333));
        Files.createSymbolicLink(root.resolve("train1/dog/loop"), root.resolve("train1/dog"));
        IngestReport r = ingest(root, List.of("train1"), dir.resolve("decoded"));
        assertArrayEquals(new long[]{2}, r.counts().get("train1"), "each file once");
        assertEquals(2, r.skipped().size(), r.skipped().toString());
        SkippedFile loop = r.skipped().stream().filter(s -> s.path().endsWith("/loop")).findFirst().orElseThrow();
        assertTrue(loop.reason().startsWith("symbolic link to a folder already listed ("), loop.reason());
        SkippedFile dots = r.skipped().stream().filter(s -> s.reason().contains("hidden")).findFirst().orElseThrow();
        assertEquals("2 hidden entries (names starting with '.') not read", dots.reason());
    }

    @Test
    void aBombATruncatedJpegAndAnUnreadableFileAreListedAndTheRestIngested(@TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path root = dir.resolve("data");
        write(root.resolve("train1/cat/ok.png"), image("png", 0x445566));
        write(root.resolve("train1/cat/bomb.png"), TestImages.pngHeaderOnly(26_000, 26_000));
        byte[] jpeg = TestImages.encoded("jpg", 0x778899, 256);
        write(root.resolve("train1/cat/half.jpg"), Arrays.copyOf(jpeg, jpeg.length / 2));
        write(root.resolve("train1/cat/locked.png"), image("png", 0x000000));
        root.resolve("train1/cat/locked.png").toFile().setReadable(false);
        boolean canLock = !Files.isReadable(root.resolve("train1/cat/locked.png"));
        IngestReport r = ingest(root, List.of("train1"), dir.resolve("decoded"));
        Map<String, String> why = new java.util.HashMap<>();
        r.skipped().forEach(s -> why.put(s.path().substring(s.path().lastIndexOf('/') + 1), s.reason()));
        assertEquals("26,000 x 26,000 pixels, more than pipeline.data.max-pixels (89,478,485): a decompression "
                + "bomb, or raise the limit", why.get("bomb.png"));
        assertTrue(why.get("half.jpg").startsWith("truncated image, only partly decodable ("), why.get("half.jpg"));
        if (canLock) {
            assertTrue(why.get("locked.png").startsWith("unreadable: "), why.get("locked.png"));
        }
        assertArrayEquals(new long[]{canLock ? 1 : 2}, r.counts().get("train1"));
    }

    @Test
    void theDecoderChecksThePixelCountBeforeDecoding() {
        ImageDecoder small = new ImageDecoder(32, 1000);
        UndecodableImageException e = assertThrows(UndecodableImageException.class,
                () -> small.decode(TestImages.pngHeaderOnly(40, 30)));
        assertEquals("40 x 30 pixels, more than pipeline.data.max-pixels (1,000): a decompression bomb, or raise "
                + "the limit", e.getMessage());
    }

    @Test
    void anEmptySplitIsNamedBeforeAnyWork() {
        DatasetManifest m = new DatasetManifest("file:/data", 32, List.of("a", "b"),
                Map.of("train1", new long[]{1, 1}, "test", new long[]{0, 0}), Map.of());
        UserError e = assertThrows(UserError.class, () -> m.requireImages("test", "pipeline.eval.split"));
        assertEquals("split 'test' (pipeline.eval.split) has no images: add images to it or name another split, "
                + "and rerun ingest", e.getMessage());
        UserError missing = assertThrows(UserError.class, () -> m.requireImages("train9", "pipeline.data.train-folds"));
        assertTrue(missing.getMessage().startsWith("split 'train9' (pipeline.data.train-folds) has no images (not "
                + "ingested; ingested: "), missing.getMessage());
        m.requireImages("train1", "pipeline.data.train-folds");
    }
}
