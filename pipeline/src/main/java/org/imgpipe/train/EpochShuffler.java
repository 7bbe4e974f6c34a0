package org.imgpipe.train;

import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.storage.StorageLevel;
import org.imgpipe.data.Batches;
import org.imgpipe.data.LabeledImage;
import org.nd4j.linalg.dataset.DataSet;
import scala.Tuple2;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Gives each epoch its own order of the training examples, reproducibly: example i of epoch e sorts
 * by a hash of (seed, e, i), so the order depends only on the seed, the epoch and the data.
 */
public final class EpochShuffler implements AutoCloseable {
    private final JavaPairRDD<Long, LabeledImage> indexed;
    private final long seed;
    private final int partitions;
    private final int batchSize;
    private final int imageSize;
    private final int numClasses;

    public EpochShuffler(JavaRDD<LabeledImage> examples, long seed, int partitions, int batchSize, int imageSize,
                         int numClasses) {
        this.indexed = examples.zipWithIndex().mapToPair(Tuple2::swap).persist(StorageLevel.MEMORY_AND_DISK_SER());
        this.seed = seed;
        this.partitions = partitions;
        this.batchSize = batchSize;
        this.imageSize = imageSize;
        this.numClasses = numClasses;
    }

    public long count() {
        return indexed.count();
    }

    /** The minibatches of one (1-based) epoch. */
    public JavaRDD<DataSet> epoch(int epoch) {
        long s = seed;
        return indexed.mapToPair(t -> new Tuple2<>(mix(s, epoch, t._1()), t._2()))
                .repartitionAndSortWithinPartitions(new HashPartitioner(partitions))
                .values()
                .mapPartitions(new ToMinibatches(batchSize, imageSize, numClasses));
    }

    /** SplitMix64's finaliser over the three inputs: a well-spread, reproducible sort key. */
    static long mix(long seed, long epoch, long index) {
        long z = seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L + index * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public void close() {
        indexed.unpersist(false);
    }

    /** Groups a partition's examples, in order, into DataSets of up to batchSize. */
    static final class ToMinibatches implements FlatMapFunction<Iterator<LabeledImage>, DataSet> {
        private final int batchSize;
        private final int imageSize;
        private final int numClasses;

        ToMinibatches(int batchSize, int imageSize, int numClasses) {
            this.batchSize = batchSize;
            this.imageSize = imageSize;
            this.numClasses = numClasses;
        }

        @Override
        public Iterator<DataSet> call(Iterator<LabeledImage> examples) {
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return examples.hasNext();
                }

                @Override
                public DataSet next() {
                    List<LabeledImage> batch = new ArrayList<>(batchSize);
                    while (examples.hasNext() && batch.size() < batchSize) {
                        batch.add(examples.next());
                    }
                    return Batches.dataSet(batch, imageSize, numClasses);
                }
            };
        }
    }
}
