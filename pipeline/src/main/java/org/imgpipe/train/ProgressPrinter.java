package org.imgpipe.train;

import org.imgpipe.base.Console;
import org.imgpipe.base.EpochResult;

/** One Keras-like console line per epoch, with an estimate of the time left. */
public final class ProgressPrinter implements EpochListener {
    private final int epochs;
    private final Console out;
    private double totalSeconds;

    /**
     * @param epochs the run's total epochs ({@code pipeline.train.epochs}), for "Epoch e/E" and the ETA
     * @param out where the lines go
     */
    public ProgressPrinter(int epochs, Console out) {
        this.epochs = epochs;
        this.out = out;
    }

    @Override
    public void onEpochEnd(EpochResult r, TrainingControl control) {
        totalSeconds += r.seconds();
        long eta = Math.round(totalSeconds / r.epoch() * (epochs - r.epoch()));
        out.format("Epoch %d/%d - %.1fs - loss: %.4f - accuracy: %.4f - val_loss: %.4f - val_accuracy: %.4f"
                        + " - lr: %.1e - ETA %dm%02ds", r.epoch(), epochs, r.seconds(), r.loss(), r.accuracy(),
                r.valLoss(), r.valAccuracy(), r.lr(), eta / 60, eta % 60);
    }
}
