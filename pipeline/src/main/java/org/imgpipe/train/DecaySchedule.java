package org.imgpipe.train;

import org.imgpipe.base.EpochResult;

/**
 * A fixed-budget learning-rate schedule stepped once per epoch (Keras' {@code LearningRateSchedule}
 * with one step per epoch): the rate of each epoch is a function of the epochs completed before it
 * alone, so a run resumed with the same arguments continues the same curve.
 */
public interface DecaySchedule extends EpochListener {
    /**
     * @param epochsDone the epochs completed before the one the rate is for (Keras' step), >= 0
     * @return the learning rate of epoch {@code epochsDone + 1}
     * @throws IllegalArgumentException when {@code epochsDone} is negative
     */
    double learningRate(int epochsDone);

    /**
     * Sets the rate of the next epoch from the number of the epoch just completed.
     *
     * @param result  the epoch just completed; {@code result.epoch()} is 1-based
     * @param control receives the learning rate of epoch {@code result.epoch() + 1}
     */
    @Override
    default void onEpochEnd(EpochResult result, TrainingControl control) {
        control.setLearningRate(learningRate(result.epoch()));
    }

    /**
     * @param epochsDone the epochs completed, checked to be >= 0
     * @param epochs     the schedule's decay_steps
     * @return {@code min(epochsDone, epochs) / epochs}, the fraction of the decay done, 0..1
     * @throws IllegalArgumentException when {@code epochsDone} is negative
     */
    static double progress(int epochsDone, int epochs) {
        if (epochsDone < 0) {
            throw new IllegalArgumentException("epochsDone must be >= 0, got " + epochsDone);
        }
        return Math.min(epochsDone, epochs) / (double) epochs;
    }
}
