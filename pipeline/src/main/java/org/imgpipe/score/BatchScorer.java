package org.imgpipe.score;

import org.imgpipe.base.Console;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.SerializableConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.imgpipe.data.ImageFileReader;
import org.imgpipe.data.SkippedFile;
import org.imgpipe.io.AtomicFiles;
import org.imgpipe.io.StagedFolder;
import org.imgpipe.io.CsvFiles;
import org.imgpipe.model.ShippedModel;
import org.imgpipe.registry.ModelVersion;
import org.imgpipe.spark.CountedPhase;
import org.imgpipe.spark.SparkSessions;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.apache.spark.sql.functions.col;

/**
 * Scores every image under an input glob with one model version and commits the results as a new
 * run folder under the output folder:
 * <pre>
 *   run-20261125T101500.123Z/predictions/      Parquet, a part file per partition (and a _SUCCESS, as Spark's)
 *                            predictions-csv/  the same rows as CSV with a header
 *                            rejected.csv      path,reason of every file that was not scored
 *                            summary.json      counts, model version, input, timings
 *                            _SUCCESS
 * </pre>
 * The run is written in a hidden staging folder and renamed into place when complete, so a reader
 * (or the incremental mode) never sees a partial run. Scoring is one Spark job (after, with the incremental
 * mode, a read of the earlier runs): each task reads, decodes and classifies its files and writes both part
 * files ({@link PartitionWriter}), which the driver then moves into place ({@link PartitionCommitter}).
 */
public final class BatchScorer {
    // Each task pays a fixed cost (borrowing the model, creating its output files and writers) that
    // 1,000-file tasks made ~10% of scoring; 2,500 small images are still only seconds of one core.
    private static final int FILES_PER_PARTITION = 2500;
    private static final DateTimeFormatter RUN_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final SparkSession spark;
    private final int batchSize;
    private final int partitions;
    private final long maxPixels;
    private final Console console;

    /**
     * @param spark      the session
     * @param batchSize  images per inference batch on the executors
     * @param partitions Spark partitions; 0 = one per 2,500 files, a multiple of the parallelism
     * @param maxPixels  the most pixels an input image may have; larger ones are rejected and listed
     * @param console    where the progress lines go
     */
    public BatchScorer(SparkSession spark, int batchSize, int partitions, long maxPixels, Console console) {
        this.console = console;
        this.spark = spark;
        this.batchSize = batchSize;
        this.partitions = partitions;
        this.maxPixels = maxPixels;
    }

    /** What one run did and where its results are. */
    public record Summary(String runDir, String input, String modelVersion, long scored, long rejected,
                          long alreadyScored, double seconds) {
    }

    /**
     * Scores every image the input names and commits a new {@code run-<UTC time>} folder under the output folder.
     *
     * @param input a folder or a glob, searched recursively for images
     * @param outputDir the folder that holds the runs, on any Hadoop file system
     * @param version the registry version the model is, for its class names, image size and id
     * @param model the model, broadcast to the executors
     * @param incremental whether to skip files that an earlier run in {@code outputDir} scored with this version
     * @return the counts (scored, rejected, already scored), the run folder and the time taken in seconds
     * @throws org.imgpipe.base.UserError when the input matches nothing
     * @throws IOException when the input cannot be listed or the results cannot be written or renamed into place
     */
    public Summary score(String input, Path outputDir, ModelVersion version, ComputationGraph model,
                         boolean incremental) throws IOException {
        Instant start = Instant.now();
        long t0 = System.nanoTime();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Configuration conf = jsc.hadoopConfiguration();
        ScoreInput found = ScoreInput.find(input, conf);
        List<String> files = new ArrayList<>(found.images());
        long already = 0;
        if (incremental) {
            Set<String> done = alreadyScored(outputDir, version.id(), conf);
            files.removeIf(done::contains);
            already = found.images().size() - files.size();
        }
        Path runDir = new Path(outputDir, "run-" + RUN_TIME.format(start));
        FileSystem fs = outputDir.getFileSystem(conf);
        // To the millisecond, as the run folder's name and the CSV's times have it.
        PredictionRows rows = new PredictionRows(version.classNames(), version.id(),
                start.truncatedTo(ChronoUnit.MILLIS));
        Broadcast<ShippedModel> broadcast = jsc.broadcast(ShippedModel.of(model));
        Broadcast<SerializableConfiguration> hadoop = jsc.broadcast(new SerializableConfiguration(conf));
        // A multiple of the task slots, so that no core idles while one last partition finishes.
        int slots = jsc.defaultParallelism();
        int slices = partitions > 0 ? partitions
                : slots * Math.max(1, (files.size() + slots * FILES_PER_PARTITION - 1) / (slots * FILES_PER_PARTITION));
        try (CountedPhase phase = CountedPhase.start(jsc.sc(), "score " + runDir.getName(), files.size(), "files",
                console); StagedFolder staged = StagedFolder.of(runDir, conf)) {
            Path staging = staged.path();
            PartitionCommitter committer = new PartitionCommitter(fs, staging);
            Path attempts = committer.attempts();
            List<PartitionFiles> parts = jsc.parallelize(files, Math.max(1, Math.min(slices, files.size())))
                    .mapPartitions(new PartitionScorer(broadcast,
                            new ImageFileReader(version.imageSize(), maxPixels, hadoop), batchSize,
                            SparkSessions.threadsPerTask(jsc.getConf()), phase.counter()))
                    .mapPartitions(new PartitionWriter(attempts.toString(), rows, hadoop))
                    .collect();
            committer.commit(parts);
            long scored = parts.stream().mapToLong(PartitionFiles::rows).sum();
            List<SkippedFile> rejected = new ArrayList<>(found.notImages());
            parts.forEach(p -> rejected.addAll(p.rejected()));
            rejected.sort(Comparator.comparing(SkippedFile::path));
            AtomicFiles.writeString(new Path(staging, "rejected.csv"), conf, rejectedCsv(rejected));
            Summary summary = new Summary(runDir.toString(), input, version.id(), scored, rejected.size(), already,
                    (System.nanoTime() - t0) / 1e9);
            AtomicFiles.writeString(new Path(staging, "summary.json"), conf,
                    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(summary));
            committer.success(staging);
            staged.commitNew();
            return summary;
        } finally {
            broadcast.destroy();
            hadoop.destroy();
        }
    }

    /** Paths that committed runs in outputDir scored with this model version. */
    private Set<String> alreadyScored(Path outputDir, String modelVersion, Configuration conf) throws IOException {
        FileSystem fs = outputDir.getFileSystem(conf);
        List<String> runs = new ArrayList<>();
        if (fs.exists(outputDir)) {
            for (FileStatus s : fs.listStatus(outputDir)) {
                if (s.isDirectory() && s.getPath().getName().startsWith("run-")) {
                    runs.add(new Path(s.getPath(), "predictions").toString());
                }
            }
        }
        Set<String> done = new HashSet<>();
        if (!runs.isEmpty()) {
            spark.read().parquet(runs.toArray(String[]::new))
                    .where(col(PredictionRows.MODEL_VERSION).equalTo(modelVersion))
                    .select(PredictionRows.PATH).distinct().collectAsList()
                    .forEach(r -> done.add(r.getString(0)));
        }
        return done;
    }

    /** rejected.csv: RFC 4180, columns path and reason. */
    static String rejectedCsv(List<SkippedFile> rejected) throws IOException {
        return CsvFiles.write(List.of("path", "reason"), rejected.stream().map(r -> List.of(r.path(), r.reason()))
                .toList());
    }
}
