package org.imgpipe.data;

import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.util.SerializableConfiguration;

import java.io.IOException;

/**
 * Reads and decodes image files on an executor; a file that cannot be read or decoded becomes a
 * rejected result instead of a task failure.
 */
final class DecodeFunction implements Function<String, DecodeResult> {
    private final FileLabeler labeler;
    private final ImageDecoder decoder;
    private final SerializableConfiguration conf;

    DecodeFunction(FileLabeler labeler, ImageDecoder decoder, SerializableConfiguration conf) {
        this.labeler = labeler;
        this.decoder = decoder;
        this.conf = conf;
    }

    @Override
    public DecodeResult call(String file) {
        FileLabeler.FileLabel where = labeler.labelOf(file);
        try {
            byte[] pixels = decoder.decode(read(new Path(file)));
            return new DecodeResult(file, where.fold(), where.label(), pixels, null);
        } catch (UndecodableImageException e) {
            return new DecodeResult(file, where.fold(), where.label(), null, e.getMessage());
        } catch (IOException e) {
            return new DecodeResult(file, where.fold(), where.label(), null, "unreadable: " + e.getMessage());
        }
    }

    private byte[] read(Path path) throws IOException {
        FileSystem fs = path.getFileSystem(conf.value());
        try (FSDataInputStream in = fs.open(path)) {
            return in.readAllBytes();
        }
    }
}
