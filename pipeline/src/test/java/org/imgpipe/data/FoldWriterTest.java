package org.imgpipe.data;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class FoldWriterTest {
    @TempDir
    java.nio.file.Path tmp;

    @Test
    void writesDecodablePngsInTheFoldLayoutWithoutChecksumFiles() throws Exception {
        Path root = new Path(tmp.toUri().toString(), "data");
        byte[] red = {(byte) 255, 0, 0, (byte) 255, 0, 0, (byte) 255, 0, 0, (byte) 255, 0, 0};
        byte[] grey = {7, 7, 7, 8, 8, 8, 9, 9, 9, 10, 10, 10};
        try (FoldWriter writer = new FoldWriter(root, new Configuration())) {
            writer.write("train1", "000_airplane", "0000.png", red, 2);
            writer.write("test", "001_automobile", "0000.png", grey, 2);
            writer.commit();
        }
        ImageDecoder decoder = new ImageDecoder(2);
        assertArrayEquals(red, decoder.decode(Files.readAllBytes(tmp.resolve("data/train1/000_airplane/0000.png"))));
        assertArrayEquals(grey, decoder.decode(Files.readAllBytes(tmp.resolve("data/test/001_automobile/0000.png"))));
        try (Stream<java.nio.file.Path> all = Files.walk(tmp)) {
            List<String> files = all.filter(Files::isRegularFile).map(p -> tmp.relativize(p).toString()).sorted().toList();
            assertEquals(List.of("data/test/001_automobile/0000.png", "data/train1/000_airplane/0000.png"), files,
                    "the two images only: no .crc files, no staging left");
        }
    }

    @Test
    void leavesNoTargetWhenNotCommitted() throws IOException {
        Path root = new Path(tmp.toUri().toString(), "data");
        try (FoldWriter writer = new FoldWriter(root, new Configuration())) {
            writer.write("train1", "000_airplane", "0000.png", new byte[12], 2);
        }
        assertFalse(Files.exists(tmp.resolve("data")), "an unfinished write never appears as the data set");
    }
}
