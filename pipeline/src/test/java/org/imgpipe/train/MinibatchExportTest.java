package org.imgpipe.train;

import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.imgpipe.SparkTestSession;
import org.imgpipe.config.TrainOptions;
import org.imgpipe.data.Batches;
import org.imgpipe.data.LabeledImage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.common.loader.LocalFileSourceFactory;
import org.nd4j.linalg.dataset.DataSet;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An epoch's minibatch files and the training loop's worker settings, in the local[2] test session. */
@Tag("spark")
class MinibatchExportTest {
    @TempDir
    java.nio.file.Path tmp;

    private static List<List<LabeledImage>> minibatches(int count) {
        List<List<LabeledImage>> out = new ArrayList<>();
        for (int b = 0; b < count; b++) {
            List<LabeledImage> batch = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                byte[] px = new byte[12];
                java.util.Arrays.fill(px, (byte) (10 * b + i));
                batch.add(new LabeledImage((b + i) % 4, px));
            }
            out.add(batch);
        }
        return out;
    }

    @Test
    void writesEachMinibatchOnceInPartitionOrderAndDeletesThemOnClose() throws IOException {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SparkTestSession.get().sparkContext());
        List<List<LabeledImage>> batches = minibatches(5);
        JavaRDD<List<LabeledImage>> rdd = jsc.parallelize(batches, 2);
        Path dir = new Path(tmp.toUri().toString(), "epoch-1");
        List<String> read;
        try (MinibatchExport export = MinibatchExport.write(jsc, rdd, dir, 2, 4)) {
            JavaRDD<String> paths = export.paths(2);
            assertEquals(2, paths.getNumPartitions());
            read = paths.collect();
            assertEquals(List.of("0-0.imb", "0-1.imb", "1-0.imb", "1-1.imb", "1-2.imb"),
                    read.stream().map(p -> new Path(p).getName()).toList());
            try (Stream<java.nio.file.Path> files = Files.list(tmp.resolve("epoch-1"))) {
                assertEquals(5, files.count(), "the minibatch files and nothing else (no checksum files)");
            }
            MinibatchExport.Loader loader = new MinibatchExport.Loader(0.2);
            LocalFileSourceFactory sources = new LocalFileSourceFactory();
            for (int i = 0; i < batches.size(); i++) {
                DataSet d = loader.load(sources.getSource(new File(new Path(read.get(i)).toUri()).getPath()));
                DataSet expected = Batches.dataSet(batches.get(i), 2, 4, 0.2);
                assertEquals(expected.getFeatures(), d.getFeatures(), "minibatch " + i);
                assertEquals(expected.getLabels(), d.getLabels(), "minibatch " + i);
                if (i == 0) {
                    assertArrayEquals(new float[]{0.85f, 0.05f, 0.05f, 0.05f}, d.getLabels().getRow(0).toFloatVector(),
                            1e-7f, "the loader smooths the labels it was given: 1 - 0.2 + 0.2 / 4 and 0.2 / 4");
                }
            }
        }
        assertFalse(Files.exists(tmp.resolve("epoch-1")), "closing deletes the files");
    }

    @Test
    void anEmptyEpochWritesNoFiles() throws IOException {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SparkTestSession.get().sparkContext());
        try (MinibatchExport export = MinibatchExport.write(jsc, jsc.<List<LabeledImage>>parallelize(List.of(), 2),
                new Path(tmp.toUri().toString(), "empty"), 2, 4)) {
            assertEquals(0, export.paths(2).count());
        }
    }

    @Test
    void aSingleWorkerFitsAtLeastATwentiethOfTheEpochPerRound() throws IOException {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SparkTestSession.get().sparkContext());
        TrainOptions.MasterOptions auto = new TrainOptions.MasterOptions(0, 32, 5, 2, true, "");
        assertEquals(2, SparkTrainer.workers(jsc, auto), "local[2]'s default parallelism");
        assertEquals(3, SparkTrainer.workers(jsc, new TrainOptions.MasterOptions(3, 32, 5, 2, true, "")));
        assertEquals(63, SparkTrainer.averagingFrequency(auto, 40_000, 1), "1,250 minibatches in 20 rounds");
        assertEquals(5, SparkTrainer.averagingFrequency(auto, 40_000, 2), "workers > 1: as configured");
        assertEquals(5, SparkTrainer.averagingFrequency(auto, 100, 1), "never below the configured frequency");
        assertEquals(5, SparkTrainer.averagingFrequency(auto, 0, 1), "an empty epoch");
        Path dir = SparkTrainer.exportDir(jsc, "");
        assertNotNull(dir, "local mode can export to the local file system");
        assertTrue(dir.toString().endsWith("/imgpipe-minibatches/" + jsc.sc().applicationId()), dir.toString());
        assertEquals(new Path(new Path(tmp.toUri().toString(), "imgpipe-minibatches"), jsc.sc().applicationId()),
                SparkTrainer.exportDir(jsc, tmp.toUri().toString()));
    }
}
