package org.imgpipe.train;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.util.SerializableConfiguration;
import org.deeplearning4j.core.loader.DataSetLoader;
import org.imgpipe.data.LabeledImage;
import org.imgpipe.data.MinibatchFile;
import org.imgpipe.io.DirectLocalFiles;
import org.nd4j.common.loader.Source;
import org.nd4j.linalg.dataset.DataSet;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * One epoch's minibatches written as {@link MinibatchFile}s for dl4j-spark's path-based training
 * ({@code SparkComputationGraph.fitPaths}), in place of its own export: every averaging round then
 * reads only its own minibatches, where training from the RDD would deserialize the whole epoch in
 * every round. DL4J's export writes and reads float {@link DataSet}s one float per stream call and
 * creates each file through Hadoop's local file system (see {@link DirectLocalFiles}), which cost a
 * one-worker CIFAR-10 epoch ~40 s of 160 (Java Flight Recorder and Spark's event log); these files
 * hold the uint8 pixels, 4x fewer bytes, moved in bulk. Closing deletes the files.
 */
final class MinibatchExport implements AutoCloseable {
    private final JavaSparkContext jsc;
    private final Path dir;
    private final List<String> paths;

    private MinibatchExport(JavaSparkContext jsc, Path dir, List<String> paths) {
        this.jsc = jsc;
        this.dir = dir;
        this.paths = paths;
    }

    /**
     * Writes the minibatches, one file each, under {@code dir} (replacing what is there).
     *
     * @param jsc        the Spark context
     * @param minibatches the epoch's minibatches of decoded (and augmented) examples, one partition per worker
     * @param dir        a folder every executor can write and read (local in local mode, else HDFS, S3, ...)
     * @param imageSize  S, the images' side in pixels
     * @param numClasses K, the number of classes
     * @return the export, whose {@link #paths()} list the files partition by partition, in order
     * @throws IOException when the folder cannot be cleared
     */
    static MinibatchExport write(JavaSparkContext jsc, JavaRDD<List<LabeledImage>> minibatches, Path dir,
                                 int imageSize, int numClasses) throws IOException {
        delete(jsc, dir);
        List<String> paths = minibatches.mapPartitionsWithIndex(new WritePartition(dir.toString(), imageSize,
                numClasses, new SerializableConfiguration(jsc.hadoopConfiguration())), true).collect();
        return new MinibatchExport(jsc, dir, paths);
    }

    /**
     * @param partitions the partitions of the returned RDD (one per training worker)
     * @return the files' paths in a fresh RDD of that many partitions, in the order written
     */
    JavaRDD<String> paths(int partitions) {
        return jsc.parallelize(paths, partitions);
    }

    /** Deletes the files. */
    @Override
    public void close() {
        try {
            delete(jsc, dir);
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete the epoch's minibatch files under " + dir, e);
        }
    }

    private static void delete(JavaSparkContext jsc, Path dir) throws IOException {
        dir.getFileSystem(jsc.hadoopConfiguration()).delete(dir, true);
    }

    /** Reads the files back on the workers: the loader {@code fitPaths} is given. */
    static final class Loader implements DataSetLoader {
        private final double labelSmoothing;

        /** @param labelSmoothing e of {@link org.imgpipe.data.Batches#labels}, 0..0.9 (0: plain one-hot labels) */
        Loader(double labelSmoothing) {
            this.labelSmoothing = labelSmoothing;
        }

        @Override
        public DataSet load(Source source) throws IOException {
            try (InputStream in = source.getInputStream()) {
                return MinibatchFile.read(in, labelSmoothing);
            }
        }
    }

    /** Writes one partition's minibatches as {@code <dir>/<partition>-<i>.imb}, returning their paths. */
    private static final class WritePartition
            implements Function2<Integer, Iterator<List<LabeledImage>>, Iterator<String>> {
        private final String dir;
        private final int imageSize;
        private final int numClasses;
        private final SerializableConfiguration hadoop;

        WritePartition(String dir, int imageSize, int numClasses, SerializableConfiguration hadoop) {
            this.dir = dir;
            this.imageSize = imageSize;
            this.numClasses = numClasses;
            this.hadoop = hadoop;
        }

        @Override
        public Iterator<String> call(Integer partition, Iterator<List<LabeledImage>> minibatches) throws IOException {
            FileSystem fs = new Path(dir).getFileSystem(hadoop.value());
            List<String> written = new ArrayList<>();
            for (int i = 0; minibatches.hasNext(); i++) {
                Path file = new Path(dir, partition + "-" + i + ".imb");
                try (OutputStream out = DirectLocalFiles.create(fs, file)) {
                    MinibatchFile.write(minibatches.next(), imageSize, numClasses, out);
                }
                written.add(file.toString());
            }
            return written.iterator();
        }
    }
}
