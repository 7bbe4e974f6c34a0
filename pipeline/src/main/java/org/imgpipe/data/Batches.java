package org.imgpipe.data;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.List;

/**
 * Turns decoded examples (HWC bytes) into the model's input: float NCHW pixels 0..255 and one-hot
 * (or, for training, smoothed) labels.
 */
public final class Batches {
    private Batches() {
    }

    /**
     * @param batch the examples, each {@code imageSize * imageSize * 3} HWC bytes
     * @param imageSize the side of the square images, in pixels
     * @return {@code [N, 3, imageSize, imageSize]} NCHW floats 0..255 (the model rescales them)
     * @throws IllegalArgumentException when an image has another number of bytes
     */
    public static INDArray features(List<LabeledImage> batch, int imageSize) {
        return pixels(batch.stream().map(LabeledImage::pixels).toList(), imageSize);
    }

    /** The model input for HWC RGB images. */
    public static INDArray pixels(List<byte[]> batch, int imageSize) {
        int plane = imageSize * imageSize;
        int per = plane * 3;
        float[] buf = new float[batch.size() * per];
        for (int i = 0; i < batch.size(); i++) {
            byte[] px = batch.get(i);
            requireBytes(px, per);
            int o = i * per;
            for (int p = 0; p < plane; p++) {
                buf[o + p] = px[3 * p] & 0xFF;
                buf[o + plane + p] = px[3 * p + 1] & 0xFF;
                buf[o + 2 * plane + p] = px[3 * p + 2] & 0xFF;
            }
        }
        return floats(buf, new long[]{batch.size(), 3, imageSize, imageSize});
    }

    /**
     * A C-order float array holding the values, copied in bulk: {@code Nd4j.create(float[], ...)} copies them
     * one element per call, 3 % of a scoring task's time at 256 images a batch (Java Flight Recorder).
     */
    private static INDArray floats(float[] values, long[] shape) {
        if (values.length == 0) {
            return Nd4j.create(values, shape, 'c'); // an empty array has no buffer to copy into
        }
        INDArray array = Nd4j.createUninitialized(DataType.FLOAT, shape, 'c');
        array.data().asNioFloat().put(values);
        return array;
    }

    /**
     * One-hot labels, optionally smoothed as Keras' {@code CategoricalCrossentropy(label_smoothing=e)}
     * smooths them: {@code y * (1 - e) + e / K}, so the true class gets {@code 1 - e + e / K} and every
     * other class {@code e / K} (each row still sums to 1).
     *
     * @param batch          the examples
     * @param numClasses     K, the number of classes
     * @param labelSmoothing e, 0..0.9 (0: plain one-hot)
     * @return {@code [N, K]} float labels
     * @throws IllegalArgumentException when a label is outside 0..K-1
     */
    public static INDArray labels(List<LabeledImage> batch, int numClasses, double labelSmoothing) {
        float off = (float) (labelSmoothing / numClasses);
        float on = (float) (1 - labelSmoothing + labelSmoothing / numClasses);
        float[] labels = new float[batch.size() * numClasses];
        Arrays.fill(labels, off);
        for (int i = 0; i < batch.size(); i++) {
            int label = batch.get(i).label();
            requireLabel(label, numClasses);
            labels[i * numClasses + label] = on;
        }
        return floats(labels, new long[]{batch.size(), numClasses});
    }

    /**
     * One minibatch for DL4J: {@link #features} and {@link #labels} together.
     *
     * @param batch          the examples
     * @param imageSize      the side of the square images, in pixels
     * @param numClasses     K, the number of classes
     * @param labelSmoothing e of {@link #labels}, 0..0.9 (0 for anything but training)
     * @return features {@code [N, 3, imageSize, imageSize]} and labels {@code [N, K]}
     * @throws IllegalArgumentException when an image has the wrong number of bytes or a label is outside 0..K-1
     */
    public static DataSet dataSet(List<LabeledImage> batch, int imageSize, int numClasses, double labelSmoothing) {
        return new DataSet(features(batch, imageSize), labels(batch, numClasses, labelSmoothing));
    }

    /** The check {@link MinibatchFile#write} shares: a label outside 0..K-1 is refused. */
    static void requireLabel(int label, int numClasses) {
        if (label < 0 || label >= numClasses) {
            throw new IllegalArgumentException("label " + label + " outside 0.." + (numClasses - 1));
        }
    }

    /** The check {@link MinibatchFile#write} shares: an image of another number of bytes is refused. */
    static void requireBytes(byte[] pixels, int expected) {
        if (pixels.length != expected) {
            throw new IllegalArgumentException("image of " + pixels.length + " bytes, expected " + expected);
        }
    }
}
