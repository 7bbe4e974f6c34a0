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

    public int bestEpoch() {
        return bestEpoch;
    }

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
