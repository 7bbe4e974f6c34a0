package org.imgpipe.io;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DirectLocalFilesTest {
    @TempDir
    java.nio.file.Path tmp;

    @Test
    void writesAndReadsLocalFilesWithoutChecksumFilesAndWithParentFolders() throws IOException {
        Path file = new Path(tmp.toUri().toString(), "a/b/Screenshot 12:30:00.imb");
        FileSystem checksummed = file.getFileSystem(new Configuration());
        try (OutputStream out = DirectLocalFiles.create(checksummed, file)) {
            out.write(new byte[]{1, 2, 3});
        }
        try (OutputStream out = DirectLocalFiles.create(checksummed, file)) {
            out.write(new byte[]{4, 5});
        }
        assertArrayEquals(new byte[]{4, 5}, DirectLocalFiles.readAllBytes(checksummed, file), "replaced");
        assertArrayEquals(new byte[]{4, 5}, DirectLocalFiles.readAllBytes(FileSystem.getLocal(new Configuration())
                .getRawFileSystem(), file), "the raw local file system too");
        try (Stream<java.nio.file.Path> files = Files.list(tmp.resolve("a/b"))) {
            assertEquals(1, files.count(), "no .crc file beside it");
        }
        assertThrows(java.nio.file.NoSuchFileException.class,
                () -> DirectLocalFiles.readAllBytes(checksummed, new Path(tmp.toUri().toString(), "missing")));
    }

    @Test
    void aNewFileNeedsItsFolderAndMustNotExistYet() throws IOException {
        FileSystem fs = FileSystem.getLocal(new Configuration());
        Path file = new Path(tmp.toUri().toString(), "attempt.csv");
        try (OutputStream out = DirectLocalFiles.createNew(fs, file)) {
            out.write(7);
        }
        assertArrayEquals(new byte[]{7}, DirectLocalFiles.readAllBytes(fs, file));
        assertThrows(java.nio.file.FileAlreadyExistsException.class, () -> DirectLocalFiles.createNew(fs, file));
        assertThrows(java.nio.file.NoSuchFileException.class,
                () -> DirectLocalFiles.createNew(fs, new Path(tmp.toUri().toString(), "gone/attempt.csv")));
        assertEquals(false, Files.exists(tmp.resolve("gone")), "a deleted folder does not come back");
    }
}
