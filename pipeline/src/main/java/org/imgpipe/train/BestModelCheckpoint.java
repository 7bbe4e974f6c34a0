package org.imgpipe.train;

import org.imgpipe.base.EpochMetric;
import org.imgpipe.base.EpochResult;
import java.io.IOException;
import java.util.Map;

/** Keras' ModelCheckpoint(save_best_only): saves the model whenever the monitored metric improves. */
public final class BestModelCheckpoint implements EpochListener, Resumable {
    /** Writes the current model. */
    @FunctionalInterface
    public interface Saver {
        void save() throws IOException;
    }

    private final Monitor monitor;
    private final Saver saver;
    private int bestEpoch;

    /**
     * @param metric the metric to monitor (e.g. val_loss); any improvement counts (Keras' min_delta 0)
     * @param saver writes the model whenever the metric improves
     */
    public BestModelCheckpoint(EpochMetric metric, Saver saver) {
        this.monitor = new Monitor(metric, 0);
        this.saver = saver;
    }

    @Override
    public void onEpochEnd(EpochResult r, TrainingControl control) throws IOException {
        if (monitor.improved(r)) {
            saver.save();
            bestEpoch = r.epoch();
        }
    }

    /** @return the 1-based epoch of the best value so far, 0 before any epoch */
    public int bestEpoch() {
        return bestEpoch;
    }

    /** @return the best value of the monitored metric so far, an infinity (the worst one) before any epoch */
    public double best() {
        return monitor.best();
    }

    @Override
    public String stateName() {
        return "best_model_checkpoint";
    }

    @Override
    public Map<String, Double> state() {
        return Map.of("best_epoch", (double) bestEpoch, "best", monitor.best());
    }

    @Override
    public void restore(Map<String, Double> state) {
        bestEpoch = state.get("best_epoch").intValue();
        monitor.restoreBest(state.get("best"));
    }
}
