package org.imgpipe.io;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.UnsupportedFileSystemException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Writes files and folders so that readers see either the previous complete version or the new
 * complete one: the content goes to a hidden temporary sibling, which is then renamed over the
 * target. A crash while writing leaves the old file intact and, at worst, a stray temp file.
 */
public final class AtomicFiles {
    /** Writes the content of a file to the stream it is given. */
    @FunctionalInterface
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    private AtomicFiles() {
    }

    /**
     * Writes a file atomically: to a temporary sibling first, then renamed over the target (see
     * {@link #replace}); the temporary file is deleted whatever happens.
     *
     * @param target the file to write or replace, on any Hadoop file system
     * @param conf the Hadoop configuration for {@code target}'s file system
     * @param writer writes the content to the stream it is given (which it need not close)
     * @throws IOException when creating, writing or renaming fails, or the writer throws it
     */
    public static void write(Path target, Configuration conf, Writer writer) throws IOException {
        FileSystem fs = target.getFileSystem(conf);
        Path tmp = tempSibling(target);
        try {
            try (OutputStream out = fs.create(tmp, false)) {
                writer.write(out);
            }
            replace(tmp, target, conf);
        } finally {
            fs.delete(tmp, true);
        }
    }

    /**
     * As {@link #write}, for text.
     *
     * @param target the file to write or replace, on any Hadoop file system
     * @param conf the Hadoop configuration for {@code target}'s file system
     * @param content the text, written as UTF-8
     * @throws IOException when creating, writing or renaming fails
     */
    public static void writeString(Path target, Configuration conf, String content) throws IOException {
        write(target, conf, out -> out.write(content.getBytes(StandardCharsets.UTF_8)));
    }

    /** A fresh hidden sibling path ('_'-prefixed: Hadoop and Spark input listings skip it). */
    public static Path tempSibling(Path target) {
        return new Path(target.getParent(), "_tmp-" + target.getName() + "-" + UUID.randomUUID());
    }

    /**
     * Moves a finished file or folder onto the target. Where the file system supports it (HDFS,
     * local) this is one atomic rename with overwrite; elsewhere the old target is moved aside first
     * and removed only after the new one is in place.
     */
    public static void replace(Path source, Path target, Configuration conf) throws IOException {
        FileSystem fs = target.getFileSystem(conf);
        fs.mkdirs(target.getParent());
        if (!fs.exists(target)) {
            if (!fs.rename(source, target)) {
                throw new IOException("cannot rename " + source + " to " + target);
            }
            return;
        }
        if (!fs.getFileStatus(target).isDirectory()) {
            try {
                FileContext.getFileContext(target.toUri(), conf).rename(source, target, Options.Rename.OVERWRITE);
                return;
            } catch (UnsupportedFileSystemException | UnsupportedOperationException e) {
                // no atomic overwrite on this file system: fall through to move-aside
            }
        }
        Path aside = new Path(target.getParent(), "_old-" + target.getName() + "-" + UUID.randomUUID());
        if (!fs.rename(target, aside)) {
            throw new IOException("cannot move " + target + " aside to " + aside);
        }
        if (!fs.rename(source, target)) {
            fs.rename(aside, target);
            throw new IOException("cannot rename " + source + " to " + target);
        }
        fs.delete(aside, true);
    }
}
