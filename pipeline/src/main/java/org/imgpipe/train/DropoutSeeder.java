package org.imgpipe.train;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.spark.api.TrainingHook;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Seeds the worker thread's ND4J random generator before each training step from (seed, epoch,
 * minibatch content). DL4J draws dropout masks from a thread-local generator that workers never
 * seed, so without this two runs with the same seed differ, and a resumed run cannot repeat the
 * uninterrupted one. Keyed by content, the masks do not depend on which thread or worker gets the
 * minibatch.
 */
public final class DropoutSeeder implements TrainingHook {
    private final long seed;
    private final int epoch;

    /**
     * @param seed the run's seed ({@code pipeline.train.seed})
     * @param epoch the 1-based epoch whose minibatches this hook sees
     */
    public DropoutSeeder(long seed, int epoch) {
        this.seed = seed;
        this.epoch = epoch;
    }

    @Override
    public void preUpdate(DataSet minibatch, Model model) {
        seedFor(minibatch.getFeatures(), minibatch.getLabels());
    }

    @Override
    public void preUpdate(MultiDataSet minibatch, Model model) {
        seedFor(minibatch.getFeatures(0), minibatch.getLabels(0));
    }

    private void seedFor(INDArray features, INDArray labels) {
        long content = Double.doubleToLongBits(features.sumNumber().doubleValue());
        long[] classes = labels.argMax(1).toLongVector();
        for (long c : classes) {
            content = content * 31 + c;
        }
        Nd4j.getRandom().setSeed(EpochShuffler.mix(seed, epoch, content));
    }

    @Override
    public void postUpdate(DataSet minibatch, Model model) {
    }

    @Override
    public void postUpdate(MultiDataSet minibatch, Model model) {
    }
}
