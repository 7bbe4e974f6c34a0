package org.imgpipe.score;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.imgpipe.io.DirectLocalFiles;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A Parquet {@link OutputFile} created through {@link DirectLocalFiles}: on Hadoop's local file system
 * without the {@code chmod} forks and checksum file of its {@code create}, elsewhere through Hadoop.
 * {@link #create} (parquet-hadoop's default) makes a new file in an existing folder only, as a task's part
 * file must be.
 */
final class DirectOutputFile implements OutputFile {
    private final FileSystem fs;
    private final Path file;

    /**
     * @param fs   the file system of {@code file}
     * @param file the file: {@link #create} needs its folder to exist, {@link #createOrOverwrite} makes it
     */
    DirectOutputFile(FileSystem fs, Path file) {
        this.fs = fs;
        this.file = file;
    }

    /** @throws IOException when the file exists, its folder does not, or it cannot be created */
    @Override
    public PositionOutputStream create(long blockSizeHint) throws IOException {
        return counted(DirectLocalFiles.createNew(fs, file));
    }

    /** @throws IOException when the file cannot be created or replaced */
    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
        return counted(DirectLocalFiles.create(fs, file));
    }

    /** The stream, buffered, with the position Parquet records its pages' offsets by. */
    private static PositionOutputStream counted(OutputStream stream) {
        OutputStream out = new BufferedOutputStream(stream, 1 << 16);
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
