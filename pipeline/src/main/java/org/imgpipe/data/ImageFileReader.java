package org.imgpipe.data;

import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.spark.util.SerializableConfiguration;

import java.io.IOException;
import java.io.Serializable;

/** Reads an image file from any Hadoop file system on an executor and decodes it. */
public final class ImageFileReader implements Serializable {
    private final ImageDecoder decoder;
    private final SerializableConfiguration conf;

    public ImageFileReader(int imageSize, SerializableConfiguration conf) {
        this.decoder = new ImageDecoder(imageSize);
        this.conf = conf;
    }

    public int imageSize() {
        return decoder.size();
    }

    /** HWC RGB pixels; a file that cannot be read or decoded is an exception naming the reason. */
    public byte[] read(String file) throws UndecodableImageException {
        Path path = new Path(file);
        byte[] encoded;
        try (FSDataInputStream in = path.getFileSystem(conf.value()).open(path)) {
            encoded = in.readAllBytes();
        } catch (IOException e) {
            throw new UndecodableImageException("unreadable: " + e.getMessage());
        }
        return decoder.decode(encoded);
    }
}
