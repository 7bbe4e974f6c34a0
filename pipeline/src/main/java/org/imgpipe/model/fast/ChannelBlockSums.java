package org.imgpipe.model.fast;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * The per-channel sums a batch norm over {@link ChannelBlocks} activations needs, in Java, blocks in parallel where
 * the thread's task has several threads ({@link FloatArrays#indices}):
 * block u of example i is a run of H x W x {@link ChannelBlocks#SIZE} floats, channel j of the block at every
 * SIZE-th. Each run position keeps its own float sum over the N examples (loops over equal indexes, which the
 * JIT vectorizes), and the positions of a channel add up in double. oneDNN's batch norm sums in float instead,
 * and its statistics moved Model S's gradients up to 0.3 % from DL4J's ({@link OneDnnBatchNorm}).
 */
final class ChannelBlockSums {
    private final FloatBuffer[] arrays;
    private final int examples;
    private final int blocks;
    private final int run;
    private final int channels;

    /** The batch's per-channel means and biased variances (divided by N x H x W), C floats each. */
    record Statistics(float[] mean, float[] variance) {
    }

    /** The backward pass's per-channel sums: of dy, and of dy * (x - mean), C each. */
    record GradientSums(double[] dy, double[] dyTimesCentred) {
    }

    private ChannelBlockSums(INDArray shape, INDArray... arrays) {
        this.arrays = Arrays.stream(arrays).map(FloatArrays::view).toArray(FloatBuffer[]::new);
        examples = (int) shape.size(0);
        channels = (int) shape.size(1);
        blocks = channels / ChannelBlocks.SIZE;
        run = (int) (shape.size(2) * shape.size(3)) * ChannelBlocks.SIZE;
    }

    /**
     * The statistics in one pass: sums of deviations from a pivot per channel (its mean over the first example,
     * near the batch's mean, so that {@code (S2 - S1^2 / n) / n} loses little).
     *
     * @param x {@code [N, C, H, W]} dense blocked floats, C a multiple of {@link ChannelBlocks#SIZE}
     * @return the means and biased variances
     */
    static Statistics statistics(INDArray x) {
        ChannelBlockSums sums = new ChannelBlockSums(x, x);
        double perChannel = (double) x.length() / sums.channels;
        float[] mean = new float[sums.channels];
        float[] variance = new float[sums.channels];
        FloatArrays.indices(sums.blocks).forEach(u -> {
            double[] first = FloatArrays.laneTotals(sums.read(0, 0, 0, u), sums.run, ChannelBlocks.SIZE);
            float[] pivot = new float[ChannelBlocks.SIZE];
            for (int j = 0; j < ChannelBlocks.SIZE; j++) {
                pivot[j] = (float) (first[j] * ChannelBlocks.SIZE / sums.run);
            }
            float[][] totals = sums.centred(u, pivot, 0, 0);
            double[] sum = FloatArrays.laneTotals(totals[0], sums.run, ChannelBlocks.SIZE);
            double[] square = FloatArrays.laneTotals(totals[1], sums.run, ChannelBlocks.SIZE);
            for (int j = 0; j < ChannelBlocks.SIZE; j++) {
                double shift = sum[j] / perChannel;
                mean[u * ChannelBlocks.SIZE + j] = (float) (pivot[j] + shift);
                variance[u * ChannelBlocks.SIZE + j] = (float) Math.max(0, square[j] / perChannel - shift * shift);
            }
        });
        return new Statistics(mean, variance);
    }

    /**
     * @param x    the training pass's input, {@code [N, C, H, W]} dense blocked floats
     * @param dy   the loss gradient at the output, likewise
     * @param mean the training pass's means, C floats
     * @return the sums of dy and of dy * (x - mean) per channel
     */
    static GradientSums gradientSums(INDArray x, INDArray dy, float[] mean) {
        ChannelBlockSums sums = new ChannelBlockSums(x, dy, x);
        double[] sumDy = new double[sums.channels];
        double[] sumDyXc = new double[sums.channels];
        FloatArrays.indices(sums.blocks).forEach(u -> {
            float[] m = Arrays.copyOfRange(mean, u * ChannelBlocks.SIZE, (u + 1) * ChannelBlocks.SIZE);
            float[][] totals = sums.centred(u, m, 0, 1);
            double[][] into = {sumDy, sumDyXc};
            for (int t = 0; t < into.length; t++) {
                System.arraycopy(FloatArrays.laneTotals(totals[t], sums.run, ChannelBlocks.SIZE), 0, into[t],
                        u * ChannelBlocks.SIZE, ChannelBlocks.SIZE);
            }
        });
        return new GradientSums(sumDy, sumDyXc);
    }

    /**
     * Per run position of block u, summed over the examples: {@code a - ca} and {@code (a - ca) * (x - cx)}, where a
     * and x are this object's arrays number {@code a} and {@code x}, cx the lanes' centres, and ca the same when a
     * is x, zero otherwise.
     *
     * @param u      the block
     * @param centre each lane's centre for x
     * @param a      the index of a among this object's arrays
     * @param x      the index of x
     * @return the two per-position sums, a run's length each
     */
    private float[][] centred(int u, float[] centre, int a, int x) {
        float[] xCentres = FloatArrays.repeatLanes(centre, run);
        float[] aCentres = a == x ? xCentres : new float[run];
        float[] sums = new float[run];
        float[] products = new float[run];
        for (int i = 0; i < examples; i++) {
            float[] xs = read(x, 0, i, u);
            float[] as = a == x ? xs : read(a, 1, i, u);
            FloatArrays.addCentred(as, aCentres, xs, xCentres, run, sums, products);
        }
        return new float[][]{sums, products};
    }

    /** Block u of example i of array {@code array}, copied into this thread's scratch slot {@code slot}. */
    private float[] read(int array, int slot, int i, int u) {
        float[] values = FloatArrays.scratch(slot, run);
        arrays[array].get((i * blocks + u) * run, values, 0, run);
        return values;
    }
}
