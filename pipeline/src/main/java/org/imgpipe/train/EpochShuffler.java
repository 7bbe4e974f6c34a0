package org.imgpipe.train;

import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.storage.StorageLevel;
import org.imgpipe.config.AugmentOptions;
import org.imgpipe.data.Batches;
import org.imgpipe.data.ImageAugmenter;
import org.imgpipe.data.LabeledImage;
import org.nd4j.linalg.dataset.DataSet;
import scala.Tuple2;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Gives each epoch its own order of the training examples, reproducibly: example i of epoch e sorts
 * by a hash of (seed, e, i), so the order depends only on the seed, the epoch and the data. The same
 * hash seeds the example's random augmentation in that epoch, applied on the executors as the
 * minibatches are built.
 */
public final class EpochShuffler implements AutoCloseable {
    private final JavaPairRDD<Long, LabeledImage> indexed;
    private final long seed;
    private final int partitions;
    private final int batchSize;
    private final int imageSize;
    private final int numClasses;
    private final ImageAugmenter augmenter;

    /**
     * @param examples   the training examples (cached here until {@link #close()})
     * @param seed       the run's seed
     * @param partitions partitions of each epoch, one per training worker
     * @param batchSize  examples per minibatch
     * @param imageSize  the images' side in pixels
     * @param numClasses K, the width of the one-hot labels
     * @param augment    the random augmentation of each epoch's images ({@link AugmentOptions#none()}: none)
     */
    public EpochShuffler(JavaRDD<LabeledImage> examples, long seed, int partitions, int batchSize, int imageSize,
                         int numClasses, AugmentOptions augment) {
        this.augmenter = new ImageAugmenter(augment);
        this.indexed = examples.zipWithIndex().mapToPair(Tuple2::swap).persist(StorageLevel.MEMORY_AND_DISK_SER());
        this.seed = seed;
        this.partitions = partitions;
        this.batchSize = batchSize;
        this.imageSize = imageSize;
        this.numClasses = numClasses;
    }

    /** @return the number of training examples */
    public long count() {
        return indexed.count();
    }

    /**
     * @param epoch          the epoch, 1-based
     * @param labelSmoothing e of {@link Batches#labels}, 0..0.9 (0: plain one-hot labels)
     * @return its minibatches: features {@code [B, 3, size, size]} NCHW floats 0..255 (augmented if
     *         configured), labels {@code [B, K]}
     */
    public JavaRDD<DataSet> epoch(int epoch, double labelSmoothing) {
        int size = imageSize;
        int k = numClasses;
        return minibatches(epoch).map(b -> Batches.dataSet(b, size, k, labelSmoothing));
    }

    /**
     * @param epoch the epoch, 1-based
     * @return its minibatches of up to batchSize decoded examples (augmented if configured), in
     *         order within each of the partitions
     */
    public JavaRDD<List<LabeledImage>> minibatches(int epoch) {
        long s = seed;
        return indexed.mapToPair(t -> new Tuple2<>(mix(s, epoch, t._1()), t._2()))
                .repartitionAndSortWithinPartitions(new HashPartitioner(partitions))
                .mapPartitions(new ToMinibatches(batchSize, imageSize, augmenter));
    }

    /**
     * SplitMix64's finaliser over the three inputs: a well-spread, reproducible sort key, which also
     * seeds the example's augmentation in that epoch.
     *
     * @param seed  the run's seed
     * @param epoch the epoch, 1-based
     * @param index the example's index in the training data
     * @return the key
     */
    public static long mix(long seed, long epoch, long index) {
        long z = seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L + index * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public void close() {
        indexed.unpersist(false);
    }

    /** Groups a partition's (key, example) pairs, in order, into minibatches of up to batchSize, augmented. */
    static final class ToMinibatches
            implements FlatMapFunction<Iterator<Tuple2<Long, LabeledImage>>, List<LabeledImage>> {
        private final int batchSize;
        private final int imageSize;
        private final ImageAugmenter augmenter;

        ToMinibatches(int batchSize, int imageSize, ImageAugmenter augmenter) {
            this.batchSize = batchSize;
            this.imageSize = imageSize;
            this.augmenter = augmenter;
        }

        @Override
        public Iterator<List<LabeledImage>> call(Iterator<Tuple2<Long, LabeledImage>> examples) {
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return examples.hasNext();
                }

                @Override
                public List<LabeledImage> next() {
                    List<LabeledImage> batch = new ArrayList<>(batchSize);
                    while (examples.hasNext() && batch.size() < batchSize) {
                        Tuple2<Long, LabeledImage> e = examples.next();
                        batch.add(new LabeledImage(e._2().label(),
                                augmenter.apply(e._2().pixels(), imageSize, e._1())));
                    }
                    return batch;
                }
            };
        }
    }
}
