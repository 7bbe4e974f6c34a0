package org.imgpipe.eval;

import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.LongAccumulator;
import org.imgpipe.data.Batches;
import org.imgpipe.data.LabeledImage;
import org.imgpipe.model.ExecutorModels;
import org.imgpipe.model.ShippedModel;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * Runs the broadcast model over one partition in batches and returns a single accumulator, so only
 * counts leave the executor.
 */
final class PartitionEvaluator implements FlatMapFunction<Iterator<LabeledImage>, EvalAccumulator> {
    private final Broadcast<ShippedModel> model;
    private final int imageSize;
    private final int numClasses;
    private final int batchSize;
    private final int bins;
    private final int threadsPerTask;
    private final LongAccumulator evaluated;

    PartitionEvaluator(Broadcast<ShippedModel> model, int imageSize, int numClasses, int batchSize, int bins,
                       int threadsPerTask, LongAccumulator evaluated) {
        this.threadsPerTask = threadsPerTask;
        this.evaluated = evaluated;
        this.model = model;
        this.imageSize = imageSize;
        this.numClasses = numClasses;
        this.batchSize = batchSize;
        this.bins = bins;
    }

    @Override
    public Iterator<EvalAccumulator> call(Iterator<LabeledImage> examples) throws Exception {
        EvalAccumulator acc = new EvalAccumulator(numClasses, bins);
        if (!examples.hasNext()) {
            return Collections.singletonList(acc).iterator();
        }
        try (ExecutorModels.Lease lease = ExecutorModels.borrow(model, threadsPerTask)) {
            List<LabeledImage> batch = new ArrayList<>(batchSize);
            while (examples.hasNext()) {
                batch.add(examples.next());
                if (batch.size() == batchSize || !examples.hasNext()) {
                    float[][] p = lease.probabilities(Batches.features(batch, imageSize));
                    for (int i = 0; i < batch.size(); i++) {
                        acc.add(batch.get(i).label(), p[i], batch.get(i).pixels());
                    }
                    evaluated.add(batch.size());
                    batch.clear();
                }
            }
        }
        return Collections.singletonList(acc).iterator();
    }
}
