package org.imgpipe.io;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A Parquet {@link OutputFile} created through {@link DirectLocalFiles}: on Hadoop's local file system
 * without the {@code chmod} forks and checksum file of its {@code create}, elsewhere through Hadoop.
 */
public final class DirectOutputFile implements OutputFile {
    private final FileSystem fs;
    private final Path file;

    /**
     * @param fs   the file system of {@code file}
     * @param file the file to create (or replace), with its parent folders
     */
    public DirectOutputFile(FileSystem fs, Path file) {
        this.fs = fs;
        this.file = file;
    }

    @Override
    public PositionOutputStream create(long blockSizeHint) throws IOException {
        return createOrOverwrite(blockSizeHint);
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
        OutputStream out = new BufferedOutputStream(DirectLocalFiles.create(fs, file), 1 << 16);
        return new PositionOutputStream() {
            private long position;

            @Override
            public long getPos() {
                return position;
            }

            @Override
            public void write(int b) throws IOException {
                out.write(b);
                position++;
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                position += len;
            }

            @Override
            public void flush() throws IOException {
                out.flush();
            }

            @Override
            public void close() throws IOException {
                out.close();
            }
        };
    }

    @Override
    public boolean supportsBlockSize() {
        return false;
    }

    @Override
    public long defaultBlockSize() {
        return 0;
    }

    @Override
    public String getPath() {
        return file.toString();
    }
}
