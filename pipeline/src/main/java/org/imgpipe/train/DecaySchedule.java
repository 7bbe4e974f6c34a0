package org.imgpipe.train;

import org.imgpipe.base.EpochResult;

/**
 * A fixed-budget learning-rate schedule stepped once per epoch (Keras' {@code LearningRateSchedule} with
 * one step per epoch and {@code decay_steps} = the run's epochs): the rate of each epoch is
 * {@code initial * fraction(min(step, decay_steps) / decay_steps)}, a function of the epochs completed
 * before it alone, so a run resumed with the same arguments continues the same curve. Subclasses give the
 * curve's shape.
 */
public abstract class DecaySchedule implements EpochListener {
    private final double initial;
    private final int epochs;

    /**
     * @param initial the learning rate of epoch 1 (> 0)
     * @param epochs  the epochs the rate decays over ({@code decay_steps}, >= 1)
     * @throws IllegalArgumentException when an argument is outside its range
     */
    protected DecaySchedule(double initial, int epochs) {
        if (!(initial > 0) || epochs < 1) {
            throw new IllegalArgumentException("a decay needs initial > 0 and epochs >= 1, got "
                    + initial + ", " + epochs);
        }
        this.initial = initial;
        this.epochs = epochs;
    }

    /**
     * @param progress the fraction of the decay done, {@code min(step, decay_steps) / decay_steps}, 0..1
     * @return the rate as a fraction of the initial one: 1 at progress 0
     */
    protected abstract double fraction(double progress);

    /**
     * @param epochsDone the epochs completed before the one the rate is for (Keras' step), >= 0
     * @return the learning rate of epoch {@code epochsDone + 1}; the end rate from {@code epochs} on
     * @throws IllegalArgumentException when {@code epochsDone} is negative
     */
    public final double learningRate(int epochsDone) {
        if (epochsDone < 0) {
            throw new IllegalArgumentException("epochsDone must be >= 0, got " + epochsDone);
        }
        return initial * fraction(Math.min(epochsDone, epochs) / (double) epochs);
    }

    /**
     * Sets the rate of the next epoch from the number of the epoch just completed.
     *
     * @param result  the epoch just completed; {@code result.epoch()} is 1-based
     * @param control receives the learning rate of epoch {@code result.epoch() + 1}
     */
    @Override
    public final void onEpochEnd(EpochResult result, TrainingControl control) {
        control.setLearningRate(learningRate(result.epoch()));
    }
}
