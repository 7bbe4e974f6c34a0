package org.imgpipe.train;

import org.imgpipe.config.TrainOptions.PlateauOptions;

/**
 * Keras' ReduceLROnPlateau: after {@code patience} epochs without improvement of the monitored
 * metric, multiply the learning rate by {@code factor} (not below minLr), then wait {@code cooldown}
 * epochs before counting again.
 */
public final class ReduceLrOnPlateau implements EpochListener {
    private final PlateauOptions options;
    private final Monitor monitor;
    private int wait;
    private int cooldownLeft;

    public ReduceLrOnPlateau(PlateauOptions options) {
        this.options = options;
        this.monitor = new Monitor(options.monitor(), options.minDelta());
    }

    @Override
    public void onEpochEnd(EpochResult r, TrainingControl control) {
        if (cooldownLeft > 0) {
            cooldownLeft--;
            wait = 0;
        }
        if (monitor.improved(r)) {
            wait = 0;
        } else if (cooldownLeft == 0) {
            wait++;
            if (wait >= options.patience() && control.learningRate() > options.minLr()) {
                double lr = Math.max(control.learningRate() * options.factor(), options.minLr());
                System.out.printf("Epoch %d: ReduceLROnPlateau reducing learning rate to %.4g (no %s improvement "
                        + "for %d epochs).%n", r.epoch(), lr, monitor.metric(), wait);
                control.setLearningRate(lr);
                cooldownLeft = options.cooldown();
                wait = 0;
            }
        }
    }
}
