package org.imgpipe.data;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.imgpipe.io.DirectLocalFiles;
import org.imgpipe.io.StagedFolder;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes images as PNG files into the fold/class layout under a staging folder that replaces the
 * target only when every file is written. Local files are written through java.nio
 * ({@link DirectLocalFiles}): Hadoop's local file system would fork {@code chmod} twice per image.
 */
final class FoldWriter implements AutoCloseable {
    private final StagedFolder staged;
    private final FileSystem fs;

    FoldWriter(Path target, Configuration conf) throws IOException {
        this.staged = StagedFolder.of(target, conf);
        this.fs = target.getFileSystem(conf);
    }

    void write(String fold, String className, String fileName, byte[] rgb, int size) throws IOException {
        Path file = new Path(new Path(new Path(staged.path(), fold), className), fileName);
        try (OutputStream out = DirectLocalFiles.create(fs, file)) {
            out.write(PngEncoder.encode(rgb, size, size));
        }
    }

    void commit() throws IOException {
        staged.commit();
    }

    @Override
    public void close() throws IOException {
        staged.close();
    }
}
