package org.imgpipe.train;

/**
 * Keras' {@code PolynomialDecay(initial_learning_rate, decay_steps, end_learning_rate=0, power=1)} with
 * one step per epoch and {@code decay_steps} = the run's epochs: the rate falls by the same amount after
 * every epoch, from {@code initial} in epoch 1 to {@code initial / epochs} in the last. Against
 * {@link CosineDecay} it spends more of the budget at middle rates and less near zero, the schedule Li et
 * al. found best for budgeted training ("Budgeted Training", ICLR 2020).
 */
public final class LinearDecay extends DecaySchedule {
    /**
     * @param initial the learning rate of epoch 1 (> 0)
     * @param epochs  the epochs the rate decays over ({@code decay_steps}, >= 1)
     * @throws IllegalArgumentException when an argument is outside its range
     */
    public LinearDecay(double initial, int epochs) {
        super(initial, epochs);
    }

    /**
     * Keras' {@code 1 - progress} (power 1, end rate 0).
     *
     * @param progress the fraction of the decay done, 0..1
     * @return the rate as a fraction of the initial one, 1 down to 0
     */
    @Override
    protected double fraction(double progress) {
        return 1 - progress;
    }
}
