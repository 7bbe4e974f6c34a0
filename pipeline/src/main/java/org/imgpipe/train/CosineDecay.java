package org.imgpipe.train;

/**
 * Keras' {@code CosineDecay(initial_learning_rate, decay_steps, alpha)} with one step per epoch and
 * {@code decay_steps} = the run's epochs: a fixed-budget schedule that keeps the rate high for the first
 * half of the run and anneals it to {@code alpha * initial} by the end. Holds no state beyond its
 * arguments: a run resumed with the same initial rate, epochs and alpha continues the same curve.
 */
public final class CosineDecay extends DecaySchedule {
    private final double alpha;

    /**
     * @param initial the learning rate of epoch 1 (> 0)
     * @param epochs  the epochs the rate decays over ({@code decay_steps}, >= 1)
     * @param alpha   the floor as a fraction of {@code initial}, 0..1
     * @throws IllegalArgumentException when an argument is outside its range
     */
    public CosineDecay(double initial, int epochs, double alpha) {
        super(initial, epochs);
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new IllegalArgumentException("cosine decay needs alpha in 0..1, got " + alpha);
        }
        this.alpha = alpha;
    }

    /**
     * Keras' {@code (1 - alpha) * 0.5 * (1 + cos(pi * progress)) + alpha}.
     *
     * @param progress the fraction of the decay done, 0..1
     * @return the rate as a fraction of the initial one, 1 down to {@code alpha}
     */
    @Override
    protected double fraction(double progress) {
        return (1 - alpha) * 0.5 * (1 + Math.cos(Math.PI * progress)) + alpha;
    }
}
