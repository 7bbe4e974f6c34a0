package org.imgpipe.train;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.spark.api.TrainingHook;
import org.imgpipe.runtime.NativeRuntime;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Gives the worker thread that trains its share of the executor's cores ({@link NativeRuntime#useThreads}:
 * ND4J's thread counts and the thread's OpenMP team) before each training step. dl4j-spark trains on
 * Spark's task threads, which no code of ours starts; the setting is per thread and cheap to repeat.
 */
public final class TaskThreads implements TrainingHook {
    private final int threads;

    /** @param threads threads per task: cores / concurrent tasks, at least 1 */
    public TaskThreads(int threads) {
        this.threads = threads;
    }

    @Override
    public void preUpdate(DataSet minibatch, Model model) {
        NativeRuntime.useThreads(threads);
    }

    @Override
    public void preUpdate(MultiDataSet minibatch, Model model) {
        NativeRuntime.useThreads(threads);
    }

    @Override
    public void postUpdate(DataSet minibatch, Model model) {
    }

    @Override
    public void postUpdate(MultiDataSet minibatch, Model model) {
    }
}
