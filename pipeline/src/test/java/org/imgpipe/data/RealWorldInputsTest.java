package org.imgpipe.data;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.imgpipe.SparkTestSession;
import org.imgpipe.cli.UserError;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Inputs modelled on public bug reports against Keras, PyTorch, Spark, Hadoop and ImageIO: each file
 * is used or listed with its reason, and none fails the job.
 */
class RealWorldInputsTest {
    private static SparkSession spark;
    private static Configuration conf;

    @BeforeAll
    static void start() {
        spark = SparkTestSession.get();
        conf = spark.sparkContext().hadoopConfiguration();
    }

    /** A 32x32 image, a gradient over one colour, encoded in the given format. */
    static byte[] image(String format, int rgb) throws Exception {
        return image(format, rgb, 32);
    }

    /** A size x size image whose pixels vary (so a JPEG's scan data is most of the file). */
    static byte[] image(String format, int rgb, int size) throws Exception {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                img.setRGB(x, y, rgb ^ (x * 3 + y) ^ ((x * 7919 + y * 104729) & 0x3f3f3f));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, format, out);
        return out.toByteArray();
    }

    /**
     * A PNG whose header declares width x height but which carries no pixel data: a decoder that
     * trusts the header allocates width * height pixels before it finds out.
     */
    static byte[] pngHeaderOnly(int width, int height) {
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 2)
                .put((byte) 0).put((byte) 0).put((byte) 0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        out.writeBytes(t);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    private static void write(java.nio.file.Path file, byte[] bytes) throws Exception {
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
    }

    private static IngestReport ingest(java.nio.file.Path root, List<String> folds, java.nio.file.Path out)
            throws Exception {
        DatasetLayout layout = DatasetLayout.scan(new Path(root.toUri()), folds, conf);
        return new Ingestor(spark, 32, 2, ImageDecoder.DEFAULT_MAX_PIXELS).ingest(layout, new Path(out.toUri()));
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
        write(root.resolve("train1/cat/bomb.png"), pngHeaderOnly(26_000, 26_000));
        byte[] jpeg = image("jpg", 0x778899, 256);
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
                () -> small.decode(pngHeaderOnly(40, 30)));
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
