package org.imgpipe.train;

/**
 * Keras' {@code PolynomialDecay(initial_learning_rate, decay_steps, end_learning_rate=0, power=1)} with
 * one step per epoch and {@code decay_steps} = the run's epochs: the rate falls by the same amount after
 * every epoch, from {@code initial} in epoch 1 to {@code initial / epochs} in the last. Against
 * {@link CosineDecay} it spends more of the budget at middle rates and less near zero, the schedule Li et
 * al. found best for budgeted training ("Budgeted Training", ICLR 2020).
 */
public final class LinearDecay implements DecaySchedule {
    private final double initial;
    private final int epochs;

    /**
     * @param initial the learning rate of epoch 1 (> 0)
     * @param epochs  the epochs the rate decays over ({@code decay_steps}, >= 1)
     * @throws IllegalArgumentException when an argument is outside its range
     */
    public LinearDecay(double initial, int epochs) {
        if (!(initial > 0) || epochs < 1) {
            throw new IllegalArgumentException("linear decay needs initial > 0 and epochs >= 1, got "
                    + initial + ", " + epochs);
        }
        this.initial = initial;
        this.epochs = epochs;
    }

    /**
     * Keras' formula {@code initial * (1 - min(step, decay_steps) / decay_steps)}.
     *
     * @param epochsDone the epochs completed before the one the rate is for (Keras' step), >= 0
     * @return the learning rate of epoch {@code epochsDone + 1}; 0 from {@code epochs} on
     * @throws IllegalArgumentException when {@code epochsDone} is negative
     */
    @Override
    public double learningRate(int epochsDone) {
        return initial * (1 - DecaySchedule.progress(epochsDone, epochs));
    }
}
