package org.imgpipe.train;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.DoubleAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.spark.api.TrainingHook;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import java.util.List;
import java.util.Map;

/**
 * Keras' running training loss and accuracy, measured on the workers during the epoch's own
 * training steps (dropout active) and summed into Spark accumulators. It is both a training hook,
 * which sees each minibatch's labels and its loss, and a listener, which sees the forward pass; the
 * output layer's argmax is recomputed from the penultimate activations (a 512x10 product) because
 * DL4J leaves output-layer activations out of the forward-pass callback.
 */
public final class TrainingMetricsCollector implements TrainingHook, TrainingListener {
    private final String penultimate;
    private final String output;
    private final LongAccumulator examples;
    private final LongAccumulator correct;
    private final DoubleAccumulator lossSum;
    private transient INDArray labels;

    /**
     * Registers the accumulators ({@code train.examples}, {@code train.correct}, {@code train.lossSum}) with Spark.
     *
     * @param jsc the Spark context training runs in
     * @param penultimate the name of the layer that feeds the output layer
     * @param output the name of the output layer, whose {@code W} and {@code b} give the logits
     */
    public TrainingMetricsCollector(JavaSparkContext jsc, String penultimate, String output) {
        this.penultimate = penultimate;
        this.output = output;
        this.examples = jsc.sc().longAccumulator("train.examples");
        this.correct = jsc.sc().longAccumulator("train.correct");
        this.lossSum = jsc.sc().doubleAccumulator("train.lossSum");
    }

    /** Clears the sums before an epoch. */
    public void reset() {
        examples.reset();
        correct.reset();
        lossSum.reset();
    }

    /** @return the training examples fitted since the last {@link #reset()}, summed over the workers */
    public long examples() {
        return examples.value();
    }

    /**
     * @return the example-weighted mean of the minibatch scores (cross-entropy plus penalty, as DL4J's
     *     {@code Model.score()}) since the last {@link #reset()}, NaN before any example
     */
    public double meanLoss() {
        return examples.value() == 0 ? Double.NaN : lossSum.value() / examples.value();
    }

    /** @return the fraction of training examples whose argmax matched the label since {@link #reset()}, NaN if none */
    public double accuracy() {
        return examples.value() == 0 ? Double.NaN : (double) correct.value() / examples.value();
    }

    @Override
    public void preUpdate(DataSet minibatch, Model model) {
        labels = minibatch.getLabels();
    }

    @Override
    public void preUpdate(MultiDataSet minibatch, Model model) {
        labels = minibatch.getLabels(0);
    }

    @Override
    public void onForwardPass(Model model, Map<String, INDArray> activations) {
        INDArray hidden = activations.get(penultimate);
        if (hidden == null || labels == null) {
            return;
        }
        Layer out = ((ComputationGraph) model).getLayer(output);
        INDArray logits = hidden.mmul(out.getParam("W")).addiRowVector(out.getParam("b"));
        INDArray hits = logits.argMax(1).eq(labels.argMax(1)).castTo(DataType.INT);
        correct.add(hits.sumNumber().longValue());
    }

    @Override
    public void postUpdate(DataSet minibatch, Model model) {
        record(minibatch.numExamples(), model);
    }

    @Override
    public void postUpdate(MultiDataSet minibatch, Model model) {
        record(minibatch.getFeatures(0).size(0), model);
    }

    private void record(long n, Model model) {
        examples.add(n);
        lossSum.add(model.score() * n);
        labels = null;
    }

    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
    }

    @Override
    public void onEpochStart(Model model) {
    }

    @Override
    public void onEpochEnd(Model model) {
    }

    @Override
    public void onForwardPass(Model model, List<INDArray> activations) {
    }

    @Override
    public void onGradientCalculation(Model model) {
    }

    @Override
    public void onBackwardPass(Model model) {
    }
}
