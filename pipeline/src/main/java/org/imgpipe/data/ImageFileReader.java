package org.imgpipe.data;

import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.SerializableConfiguration;
import org.imgpipe.io.DirectLocalFiles;

import java.io.IOException;
import java.io.Serializable;

/** Reads an image file from any Hadoop file system on an executor and decodes it. */
public final class ImageFileReader implements Serializable {
    private final ImageDecoder decoder;
    private final Broadcast<SerializableConfiguration> conf;

    /**
     * @param imageSize the side images are resized to, in pixels
     * @param maxPixels the most pixels an input image may have (pipeline.data.max-pixels)
     * @param conf      the Hadoop configuration of the input's file system, broadcast: a configuration
     *                  inside the task closure is deserialized by every task (a gunzip per property, ~4%
     *                  of a scoring task's time), a broadcast one once per executor; keep the broadcast
     *                  until the last job that reads with this reader has finished
     */
    public ImageFileReader(int imageSize, long maxPixels, Broadcast<SerializableConfiguration> conf) {
        this.decoder = new ImageDecoder(imageSize, maxPixels);
        this.conf = conf;
    }

    /** @return the side images are resized to, in pixels */
    public int imageSize() {
        return decoder.size();
    }

    /**
     * @param file the file's URI, as listed
     * @return {@code [size, size, 3]} HWC RGB uint8 pixels
     * @throws UndecodableImageException naming the reason when the file cannot be read or decoded
     */
    public byte[] read(String file) throws UndecodableImageException {
        Path path = new Path(file);
        byte[] encoded;
        try {
            encoded = DirectLocalFiles.readAllBytes(rawFileSystem(path), path);
        } catch (IOException | RuntimeException e) {
            throw new UndecodableImageException("unreadable: " + e.getMessage());
        }
        return decoder.decode(encoded);
    }

    /**
     * The file system without Hadoop's client-side checksums: users' images have no .crc side files,
     * and the local checksum file system cannot even name the side file of a file whose name holds a
     * colon ({@code Screenshot 12:30:00.png}: "Relative path in absolute URI").
     */
    private FileSystem rawFileSystem(Path path) throws IOException {
        FileSystem fs = path.getFileSystem(conf.value().value());
        return fs instanceof ChecksumFileSystem checksummed ? checksummed.getRawFileSystem() : fs;
    }
}
