package org.imgpipe.io;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AtomicFilesTest {
    private final Configuration conf = new Configuration();

    private static List<String> names(java.nio.file.Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aFailedWriteLeavesThePreviousFileIntact(@TempDir java.nio.file.Path dir) throws Exception {
        Path target = new Path(dir.toUri().toString(), "best.zip");
        AtomicFiles.writeString(target, conf, "good model");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(target, conf, out -> {
            out.write("half a mod".getBytes());
            throw new IOException("disk full");
        }));
        assertEquals("disk full", e.getMessage());
        assertEquals("good model", Files.readString(dir.resolve("best.zip")));
        assertEquals(List.of(".best.zip.crc", "best.zip"), names(dir));
    }

    @Test
    void aSuccessfulWriteReplacesTheFile(@TempDir java.nio.file.Path dir) throws Exception {
        Path target = new Path(dir.toUri().toString(), "history.csv");
        AtomicFiles.writeString(target, conf, "one");
        AtomicFiles.writeString(target, conf, "two");
        assertEquals("two", Files.readString(dir.resolve("history.csv")));
        assertEquals(List.of(".history.csv.crc", "history.csv"), names(dir));
    }

    @Test
    void aFolderIsReplacedWhole(@TempDir java.nio.file.Path dir) throws Exception {
        Files.createDirectories(dir.resolve("decoded/old-part"));
        Files.createDirectories(dir.resolve("staging/new-part"));
        AtomicFiles.replace(Locations.resolve(dir + "/staging/", conf), Locations.resolve(dir + "/decoded/", conf), conf);
        assertEquals(List.of("new-part"), names(dir.resolve("decoded")));
        assertEquals(List.of("decoded"), names(dir));
    }

    @Test
    void locationsLoseTrailingSlashesAndGainAScheme() {
        assertEquals("file:/tmp/work", Locations.resolve("/tmp/work/", conf).toString());
        assertEquals("hdfs://nn:8020/runs/a", Locations.resolve("hdfs://nn:8020/runs/a/", conf).toString());
        assertEquals("file:/", Locations.resolve("file:///", conf).toString());
    }
}
