package org.imgpipe.data;

import org.nd4j.linalg.dataset.DataSet;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * One training minibatch as a file, as decoded uint8 pixels: a quarter of the bytes of the same
 * minibatch as DL4J's serialized float {@link DataSet}, written and read in bulk (DL4J's own
 * serialization moves one float per stream call). Layout, big-endian: the magic {@code IMB1}, the
 * example count N, the image side S and the class count K as ints, N labels as ints, then N images
 * of {@code S * S * 3} row-major HWC RGB bytes.
 */
public final class MinibatchFile {
    private static final int MAGIC = 0x494D4231;

    private MinibatchFile() {
    }

    /**
     * Writes a minibatch; the stream is flushed, not closed.
     *
     * @param batch      the examples, each {@code imageSize * imageSize * 3} HWC bytes
     * @param imageSize  S, the side of the square images in pixels
     * @param numClasses K, the number of classes
     * @param out        where the file's bytes go
     * @throws IllegalArgumentException when an image has another number of bytes or a label is outside 0..K-1
     * @throws IOException when the stream fails
     */
    public static void write(List<LabeledImage> batch, int imageSize, int numClasses, OutputStream out)
            throws IOException {
        int per = imageSize * imageSize * 3;
        DataOutputStream data = new DataOutputStream(new BufferedOutputStream(out, 1 << 16));
        data.writeInt(MAGIC);
        data.writeInt(batch.size());
        data.writeInt(imageSize);
        data.writeInt(numClasses);
        for (LabeledImage e : batch) {
            Batches.requireLabel(e.label(), numClasses);
            data.writeInt(e.label());
        }
        for (LabeledImage e : batch) {
            Batches.requireBytes(e.pixels(), per);
            data.write(e.pixels());
        }
        data.flush();
    }

    /**
     * Reads a minibatch written by {@link #write}; the stream is left open.
     *
     * @param in             the file's bytes
     * @param labelSmoothing e of {@link Batches#labels}, 0..0.9 (0: plain one-hot labels)
     * @return features {@code [N, 3, S, S]} NCHW floats 0..255 and labels {@code [N, K]}, as
     *     {@link Batches#dataSet} builds them
     * @throws IOException when the stream fails, is not such a file or ends early
     */
    public static DataSet read(InputStream in, double labelSmoothing) throws IOException {
        DataInputStream data = new DataInputStream(new BufferedInputStream(in, 1 << 16));
        if (data.readInt() != MAGIC) {
            throw new IOException("not a minibatch file (no IMB1 magic)");
        }
        int n = data.readInt();
        int imageSize = data.readInt();
        int numClasses = data.readInt();
        if (n < 0 || imageSize <= 0 || numClasses <= 0) {
            throw new IOException("corrupt minibatch header: N=" + n + ", S=" + imageSize + ", K=" + numClasses);
        }
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = data.readInt();
        }
        List<LabeledImage> batch = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] pixels = new byte[imageSize * imageSize * 3];
            data.readFully(pixels);
            batch.add(new LabeledImage(labels[i], pixels));
        }
        return Batches.dataSet(batch, imageSize, numClasses, labelSmoothing);
    }
}
