package org.imgpipe.train;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An exponential moving average of the trained weights, as Keras' optimizer option {@code use_ema=True,
 * ema_momentum=m}: after each of its steps Keras sets {@code average = m * average + (1 - m) * weights}, the first
 * step with momentum 0. Parameter averaging only gives the driver the weights after every round, in which each of
 * the W workers fitted about F minibatches in parallel, so a round moves the average as F steps with unchanged
 * weights would, by {@code m^F}: Keras' semantics with a step of the W workers' global minibatch. Unlike Keras,
 * which averages only the trainable variables, the average covers the whole parameter vector, batch-norm moving
 * statistics included (DL4J keeps them as parameters: the mean and log10 of the standard deviation), so that the
 * averaged model's statistics belong to its averaged weights (as timm's {@code ModelEmaV2}).
 */
public final class WeightEma {
    private final ComputationGraph average;
    private final double momentum;
    private boolean started;

    private WeightEma(ComputationGraph average, double momentum, boolean started) {
        if (!(momentum > 0 && momentum < 1)) {
            throw new IllegalArgumentException("EMA momentum must be in (0, 1): " + momentum);
        }
        this.average = average;
        this.momentum = momentum;
        this.started = started;
    }

    /**
     * An average for a fresh run: the weights after the first round replace it.
     *
     * @param graph    the model being trained; cloned, so the average has its configuration
     * @param momentum Keras' {@code ema_momentum} per step (a minibatch on every worker), in (0, 1)
     * @return the average
     * @throws IllegalArgumentException when the momentum is outside (0, 1)
     */
    public static WeightEma start(ComputationGraph graph, double momentum) {
        return new WeightEma(graph.clone(), momentum, false);
    }

    /**
     * The average of a resumed run, going on from where the checkpoint left it.
     *
     * @param average  the averaged model read from the checkpoint ({@link ResumeCheckpoint.Snapshot#average()})
     * @param momentum Keras' {@code ema_momentum} per step (a minibatch on every worker), in (0, 1)
     * @return the average
     * @throws IllegalArgumentException when the momentum is outside (0, 1)
     */
    public static WeightEma resume(ComputationGraph average, double momentum) {
        return new WeightEma(average, momentum, true);
    }

    /**
     * Moves the average towards the weights after a round.
     *
     * @param weights the model's flattened parameters after the round's averaging (DL4J's {@code params()} order)
     * @param steps   minibatches each worker fitted in the round, on average over the workers; more than 0
     * @throws IllegalArgumentException when steps is not positive or the weights are not the average's length
     */
    public void update(INDArray weights, double steps) {
        INDArray avg = average.params();
        if (!(steps > 0) || weights.length() != avg.length()) {
            throw new IllegalArgumentException("a round of " + steps + " steps with " + weights.length()
                    + " weights for an average of " + avg.length());
        }
        if (!started) {
            avg.assign(weights);
            started = true;
            return;
        }
        double m = Math.pow(momentum, steps);
        avg.muli(m).addi(weights.mul(1 - m));
    }

    /** @return the model holding the average: the one to validate, checkpoint as best and save as final */
    public ComputationGraph model() {
        return average;
    }
}
