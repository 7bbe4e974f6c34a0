package org.imgpipe.train;

/**
 * Keras' {@code CosineDecay(initial_learning_rate, decay_steps, alpha)} with one step per epoch and
 * {@code decay_steps} = the run's epochs: a fixed-budget schedule that keeps the rate high for the first
 * half of the run and anneals it to {@code alpha * initial} by the end. Holds no state beyond its
 * arguments: a run resumed with the same initial rate, epochs and alpha continues the same curve.
 */
public final class CosineDecay implements DecaySchedule {
    private final double initial;
    private final int epochs;
    private final double alpha;

    /**
     * @param initial the learning rate of epoch 1 (> 0)
     * @param epochs  the epochs the rate decays over ({@code decay_steps}, >= 1)
     * @param alpha   the floor as a fraction of {@code initial}, 0..1
     * @throws IllegalArgumentException when an argument is outside its range
     */
    public CosineDecay(double initial, int epochs, double alpha) {
        if (!(initial > 0) || epochs < 1 || !(alpha >= 0 && alpha <= 1)) {
            throw new IllegalArgumentException("cosine decay needs initial > 0, epochs >= 1 and alpha in 0..1, got "
                    + initial + ", " + epochs + ", " + alpha);
        }
        this.initial = initial;
        this.epochs = epochs;
        this.alpha = alpha;
    }

    /**
     * Keras' formula
     * {@code initial * ((1 - alpha) * 0.5 * (1 + cos(pi * min(step, decay_steps) / decay_steps)) + alpha)}.
     *
     * @param epochsDone the epochs completed before the one the rate is for (Keras' step), >= 0
     * @return the learning rate of epoch {@code epochsDone + 1}; {@code alpha * initial} from {@code epochs} on
     * @throws IllegalArgumentException when {@code epochsDone} is negative
     */
    @Override
    public double learningRate(int epochsDone) {
        double progress = DecaySchedule.progress(epochsDone, epochs);
        return initial * ((1 - alpha) * 0.5 * (1 + Math.cos(Math.PI * progress)) + alpha);
    }
}
