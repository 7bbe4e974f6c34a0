package org.imgpipe.io;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;

/**
 * Reads and creates many small files: those of Hadoop's local file system directly through java.nio,
 * the rest through Hadoop. Without its native library Hadoop's local file system forks {@code chmod}
 * for every file it creates and again for the checksum file beside it (~20 ms a file, measured), and
 * builds I/O statistics for every file it opens (a third of a benchmark scoring task's Java time).
 * Files written here get no checksum files; reading never needs them.
 */
public final class DirectLocalFiles {
    private DirectLocalFiles() {
    }

    /**
     * @param fs   the file system of {@code file}
     * @param file the file to read
     * @return its bytes
     * @throws IOException when it cannot be read
     */
    public static byte[] readAllBytes(FileSystem fs, Path file) throws IOException {
        File local = localFile(fs, file);
        if (local != null) {
            return Files.readAllBytes(local.toPath());
        }
        try (InputStream in = fs.open(file)) {
            return in.readAllBytes();
        }
    }

    /**
     * Creates (or replaces) a file, with its parent folders.
     *
     * @param fs   the file system of {@code file}
     * @param file the file to write
     * @return the open stream; the caller closes it
     * @throws IOException when it cannot be created
     */
    public static OutputStream create(FileSystem fs, Path file) throws IOException {
        File local = localFile(fs, file);
        if (local != null) {
            Files.createDirectories(local.toPath().getParent());
            return Files.newOutputStream(local.toPath());
        }
        return fs.create(file, true);
    }

    /**
     * Creates a file that must not exist yet, in a folder that must exist: for files a task writes in a
     * folder the driver made, which must not come back once the driver has deleted or moved that folder.
     *
     * @param fs   the file system of {@code file}
     * @param file the file to write
     * @return the open stream; the caller closes it
     * @throws IOException when the file exists, its folder does not, or it cannot be created
     */
    public static OutputStream createNew(FileSystem fs, Path file) throws IOException {
        File local = localFile(fs, file);
        if (local != null) {
            return Files.newOutputStream(local.toPath(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }
        return fs.createNonRecursive(file, false, 1 << 16, fs.getDefaultReplication(file), fs.getDefaultBlockSize(file),
                null);
    }

    /** The file behind a path of Hadoop's local file system (with or without checksums), else null. */
    private static File localFile(FileSystem fs, Path file) {
        if (fs instanceof LocalFileSystem local) {
            return local.pathToFile(file);
        }
        return fs instanceof RawLocalFileSystem raw ? raw.pathToFile(file) : null;
    }
}
