package org.imgpipe.data;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

/**
 * Turns decoded examples (HWC bytes) into the model's input: float NCHW pixels 0..255 and one-hot
 * labels.
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
            if (px.length != per) {
                throw new IllegalArgumentException("image of " + px.length + " bytes, expected " + per);
            }
            int o = i * per;
            for (int p = 0; p < plane; p++) {
                buf[o + p] = px[3 * p] & 0xFF;
                buf[o + plane + p] = px[3 * p + 1] & 0xFF;
                buf[o + 2 * plane + p] = px[3 * p + 2] & 0xFF;
            }
        }
        return Nd4j.create(buf, new long[]{batch.size(), 3, imageSize, imageSize}, 'c');
    }

    /**
     * @param batch the examples
     * @param numClasses K, the number of classes
     * @return {@code [N, K]} one-hot float labels
     */
    public static INDArray oneHot(List<LabeledImage> batch, int numClasses) {
        INDArray labels = Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, batch.size(), numClasses);
        for (int i = 0; i < batch.size(); i++) {
            labels.putScalar(i, batch.get(i).label(), 1f);
        }
        return labels;
    }

    /**
     * One minibatch for DL4J: {@link #features} and {@link #oneHot} together.
     *
     * @param batch the examples
     * @param imageSize the side of the square images, in pixels
     * @param numClasses K, the number of classes
     * @return features {@code [N, 3, imageSize, imageSize]} and labels {@code [N, K]}
     * @throws IllegalArgumentException when an image has the wrong number of bytes
     */
    public static DataSet dataSet(List<LabeledImage> batch, int imageSize, int numClasses) {
        return new DataSet(features(batch, imageSize), oneHot(batch, numClasses));
    }
}
