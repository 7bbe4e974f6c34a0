package org.imgpipe.train;

import org.imgpipe.base.EpochResult;
import org.imgpipe.config.TrainOptions.EarlyStoppingOptions;

import java.util.Map;

/** Keras' EarlyStopping: stop after {@code patience} epochs without improvement; patience 0 = off. */
public final class EarlyStopping implements EpochListener, Resumable {
    private final int patience;
    private final Monitor monitor;
    private int wait;

    /**
     * @param options the monitored metric, {@code min-delta} (the least change that counts as an improvement) and
     *     {@code patience} in epochs
     */
    public EarlyStopping(EarlyStoppingOptions options) {
        this.patience = options.patience();
        this.monitor = new Monitor(options.monitor(), options.minDelta());
    }

    @Override
    public void onEpochEnd(EpochResult r, TrainingControl control) {
        if (patience == 0) {
            return;
        }
        wait++;
        if (monitor.improved(r)) {
            wait = 0;
        } else if (wait >= patience) {
            control.requestStop(String.format("early stopping: no %s improvement for %d epochs (best %.5f)",
                    monitor.metric(), wait, monitor.best()));
        }
    }

    @Override
    public String stateName() {
        return "early_stopping";
    }

    @Override
    public Map<String, Double> state() {
        return Map.of("wait", (double) wait, "best", monitor.best());
    }

    @Override
    public void restore(Map<String, Double> state) {
        wait = state.get("wait").intValue();
        monitor.restoreBest(state.get("best"));
    }
}
