package org.imgpipe.data;

import org.imgpipe.io.StagedFolder;
import org.imgpipe.base.Console;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.SerializableConfiguration;
import org.imgpipe.spark.CountedPhase;
import scala.Tuple2;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes every image of the configured folds once, on the executors, and writes them as uint8
 * Parquet with a manifest. The new decoded folder replaces the old one only when it is complete.
 * Undecodable files are skipped and listed in the report; they never fail the job.
 */
public final class Ingestor {
    private static final int FILES_PER_PARTITION = 2000;
    private final SparkSession spark;
    private final int imageSize;
    private final int partitions;
    private final long maxPixels;
    private final Console console;

    /**
     * @param spark      the session
     * @param imageSize  the side images are resized to, in pixels
     * @param partitions Spark partitions for decoding; 0 = one per 2,000 files, at least the parallelism
     * @param maxPixels  the most pixels an input image may have; larger ones are skipped and listed
     * @param console    where the progress lines go
     */
    public Ingestor(SparkSession spark, int imageSize, int partitions, long maxPixels, Console console) {
        this.console = console;
        this.spark = spark;
        this.imageSize = imageSize;
        this.partitions = partitions;
        this.maxPixels = maxPixels;
    }

    /**
     * Lists, decodes and resizes every image of the layout's folds on the executors, writes the Parquet and the
     * manifest aside and then replaces {@code decodedDir} with them.
     *
     * @param layout the checked fold and class folders
     * @param decodedDir the decoded folder to write or replace, on any Hadoop file system
     * @return the counts per fold and class, the skipped files with reasons, and the time taken in seconds
     * @throws IOException when listing, writing or the final rename fails
     */
    public IngestReport ingest(DatasetLayout layout, Path decodedDir) throws IOException {
        long start = System.nanoTime();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Configuration conf = jsc.hadoopConfiguration();
        ImageLister.Listing listing = ImageLister.list(layout, conf);
        List<String> files = listing.files();
        // Small tasks balance decoding across executors and keep each task's list of paths small.
        int slices = partitions > 0 ? partitions
                : Math.max(jsc.defaultParallelism(), files.size() / FILES_PER_PARTITION);
        CountedPhase phase = CountedPhase.start(jsc.sc(), "ingest", files.size(), "files", console);
        Broadcast<SerializableConfiguration> hadoop = jsc.broadcast(new SerializableConfiguration(conf));
        JavaRDD<FileResult<FoldImage>> results = jsc.parallelize(files, Math.max(1, Math.min(slices, files.size())))
                .map(new DecodeFunction(layout.labeler(), new ImageFileReader(imageSize, maxPixels, hadoop),
                        phase.counter()))
                .persist(StorageLevel.MEMORY_AND_DISK_SER());
        // A failure before the commit never leaves a half-written decoded folder.
        try (phase; StagedFolder staged = StagedFolder.of(decodedDir, conf)) {
            Path staging = staged.path();
            JavaRDD<Row> rows = results.filter(FileResult::ok)
                    .map(r -> RowFactory.create(r.value().fold(), r.value().label(), r.path(), r.value().pixels()));
            spark.createDataFrame(rows, DecodedStore.SCHEMA).write().mode(SaveMode.ErrorIfExists)
                    .partitionBy(DecodedStore.FOLD).parquet(staging.toString());

            Map<String, long[]> counts = countPerFoldAndClass(results, layout);
            List<SkippedFile> skipped = new ArrayList<>();
            layout.strayFiles().forEach(p -> skipped.add(new SkippedFile(p, "not inside a class folder")));
            skipped.addAll(listing.skipped());
            skipped.addAll(FileResult.rejections(results));
            counts.forEach((fold, perClass) -> {
                for (int c = 0; c < perClass.length; c++) {
                    if (perClass[c] == 0) {
                        skipped.add(new SkippedFile(new Path(layout.folds().get(fold),
                                layout.classNames().get(c)).toString(), "class folder holds no decodable image"));
                    }
                }
            });

            new DatasetManifest(layout.root().toString(), imageSize, layout.classNames(), counts,
                    fingerprintPerFold(results)).write(staging, conf);
            staged.commit();
            return new IngestReport(layout.root().toString(), decodedDir.toString(), layout.classNames(),
                    new ArrayList<>(layout.folds().keySet()), counts, skipped, (System.nanoTime() - start) / 1e9);
        } finally {
            results.unpersist(false);
            hadoop.destroy();
        }
    }

    private static Map<String, String> fingerprintPerFold(JavaRDD<FileResult<FoldImage>> results) {
        Map<String, Long> sums = results.filter(FileResult::ok).map(FileResult::value)
                .mapToPair(r -> new Tuple2<>(r.fold(), Fingerprint.ofImage(r.label(), r.pixels())))
                .reduceByKey(Long::sum).collectAsMap();
        Map<String, String> out = new java.util.TreeMap<>();
        sums.forEach((fold, sum) -> out.put(fold, Fingerprint.format(sum)));
        return out;
    }

    private static Map<String, long[]> countPerFoldAndClass(JavaRDD<FileResult<FoldImage>> results,
                                                            DatasetLayout layout) {
        Map<Tuple2<String, Integer>, Long> pairs = results.filter(FileResult::ok).map(FileResult::value)
                .mapToPair(r -> new Tuple2<>(new Tuple2<>(r.fold(), r.label()), 1L))
                .reduceByKey(Long::sum).collectAsMap();
        Map<String, long[]> counts = new LinkedHashMap<>();
        layout.folds().keySet().forEach(f -> counts.put(f, new long[layout.classNames().size()]));
        pairs.forEach((k, n) -> counts.get(k._1())[k._2()] = n);
        return counts;
    }
}
