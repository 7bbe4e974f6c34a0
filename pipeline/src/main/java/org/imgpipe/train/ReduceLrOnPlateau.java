package org.imgpipe.train;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.imgpipe.base.EpochResult;
import org.imgpipe.config.TrainOptions.PlateauOptions;

import java.util.Locale;
import java.util.Map;

/**
 * Keras' ReduceLROnPlateau: after {@code patience} epochs without improvement of the monitored
 * metric, multiply the learning rate by {@code factor} (not below minLr), then wait {@code cooldown}
 * epochs before counting again.
 */
public final class ReduceLrOnPlateau implements EpochListener, Resumable {
    private static final Logger LOG = LoggerFactory.getLogger(ReduceLrOnPlateau.class);
    private final PlateauOptions options;
    private final Monitor monitor;
    private int wait;
    private int cooldownLeft;

    /**
     * @param options the monitored metric, {@code factor}, {@code patience} and {@code cooldown} in epochs,
     *     {@code min-delta} and {@code min-lr}, as Keras' ReduceLROnPlateau arguments
     */
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
                LOG.info("Epoch {}: ReduceLROnPlateau reducing learning rate to {} (no {} improvement for {} epochs).",
                        r.epoch(), String.format(Locale.ROOT, "%.4g", lr), monitor.metric(), wait);
                control.setLearningRate(lr);
                cooldownLeft = options.cooldown();
                wait = 0;
            }
        }
    }

    @Override
    public String stateName() {
        return "reduce_lr_on_plateau";
    }

    @Override
    public Map<String, Double> state() {
        return Map.of("wait", (double) wait, "cooldown_left", (double) cooldownLeft, "best", monitor.best());
    }

    @Override
    public void restore(Map<String, Double> state) {
        wait = state.get("wait").intValue();
        cooldownLeft = state.get("cooldown_left").intValue();
        monitor.restoreBest(state.get("best"));
    }
}
