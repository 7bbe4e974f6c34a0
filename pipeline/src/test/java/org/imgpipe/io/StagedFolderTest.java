package org.imgpipe.io;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class StagedFolderTest {
    private final Configuration conf = new Configuration();

    @Test
    void aCommitReplacesTheTargetAndLeavesNoStagingFolder(@TempDir java.nio.file.Path dir) throws IOException {
        java.nio.file.Path target = dir.resolve("report");
        Files.createDirectories(target);
        Files.writeString(target.resolve("old.txt"), "old");
        try (StagedFolder staged = StagedFolder.of(new Path(target.toString()), conf)) {
            AtomicFiles.writeString(new Path(staged.path(), "new.txt"), conf, "new");
            staged.commit();
        }
        assertEquals(List.of("report"), names(dir));
        assertEquals(List.of("new.txt"), names(target));
    }

    @Test
    void aFailureBeforeTheCommitKeepsThePreviousTarget(@TempDir java.nio.file.Path dir) throws IOException {
        java.nio.file.Path target = dir.resolve("decoded");
        Files.createDirectories(target);
        Files.writeString(target.resolve("old.txt"), "old");
        assertThrows(IllegalStateException.class, () -> {
            try (StagedFolder staged = StagedFolder.of(new Path(target.toString()), conf)) {
                AtomicFiles.writeString(new Path(staged.path(), "half.txt"), conf, "half");
                throw new IllegalStateException("executor lost");
            }
        });
        assertEquals(List.of("decoded"), names(dir));
        assertEquals("old", Files.readString(target.resolve("old.txt")));
    }

    @Test
    void commitNewRefusesAnExistingTarget(@TempDir java.nio.file.Path dir) throws IOException {
        java.nio.file.Path target = dir.resolve("v1");
        Files.createDirectories(target.resolve("inner"));
        try (StagedFolder staged = StagedFolder.of(new Path(target.toString()), conf)) {
            AtomicFiles.writeString(new Path(staged.path(), "model.zip"), conf, "m");
            assertThrows(IOException.class, staged::commitNew);
        }
        assertEquals(List.of("v1"), names(dir));
        assertEquals(List.of("inner"), names(target));
    }

    private static List<String> names(java.nio.file.Path dir) throws IOException {
        try (Stream<java.nio.file.Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        }
    }
}
