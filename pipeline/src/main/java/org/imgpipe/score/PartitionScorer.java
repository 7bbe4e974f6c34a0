package org.imgpipe.score;

import org.imgpipe.data.FileResult;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.LongAccumulator;
import org.imgpipe.data.Batches;
import org.imgpipe.data.ImageFileReader;
import org.imgpipe.data.UndecodableImageException;
import org.imgpipe.model.ExecutorModels;
import org.imgpipe.model.ShippedModel;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Reads, decodes and classifies the files of one partition in batches with the executor's copy of
 * the broadcast model; files that cannot be decoded become rejected results.
 */
final class PartitionScorer implements FlatMapFunction<Iterator<String>, FileResult<float[]>> {
    private final Broadcast<ShippedModel> model;
    private final ImageFileReader reader;
    private final int batchSize;
    private final int threadsPerTask;
    private final LongAccumulator processed;

    PartitionScorer(Broadcast<ShippedModel> model, ImageFileReader reader, int batchSize, int threadsPerTask,
                    LongAccumulator processed) {
        this.processed = processed;
        this.model = model;
        this.reader = reader;
        this.batchSize = batchSize;
        this.threadsPerTask = threadsPerTask;
    }

    @Override
    public Iterator<FileResult<float[]>> call(Iterator<String> files) throws Exception {
        List<FileResult<float[]>> out = new ArrayList<>();
        if (!files.hasNext()) {
            return out.iterator();
        }
        try (ExecutorModels.Lease lease = ExecutorModels.borrow(model, threadsPerTask)) {
            List<String> paths = new ArrayList<>(batchSize);
            List<byte[]> pixels = new ArrayList<>(batchSize);
            while (files.hasNext()) {
                String file = files.next();
                processed.add(1);
                try {
                    pixels.add(reader.read(file));
                    paths.add(file);
                } catch (UndecodableImageException e) {
                    out.add(FileResult.rejected(file, e.getMessage()));
                }
                if (paths.size() == batchSize || (!files.hasNext() && !paths.isEmpty())) {
                    float[][] p = lease.probabilities(Batches.pixels(pixels, reader.imageSize()));
                    for (int i = 0; i < paths.size(); i++) {
                        out.add(FileResult.accepted(paths.get(i), p[i]));
                    }
                    paths.clear();
                    pixels.clear();
                }
            }
        }
        return out.iterator();
    }
}
