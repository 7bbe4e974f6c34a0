package org.imgpipe.train;

import java.io.IOException;

/** Keras' ModelCheckpoint(save_best_only): saves the model whenever the monitored metric improves. */
public final class BestModelCheckpoint implements EpochListener {
    /** Writes the current model. */
    @FunctionalInterface
    public interface Saver {
        void save() throws IOException;
    }

    private final Monitor monitor;
    private final Saver saver;
    private int bestEpoch;

    public BestModelCheckpoint(String metric, Saver saver) {
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
}
