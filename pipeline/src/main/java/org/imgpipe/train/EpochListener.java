package org.imgpipe.train;

import org.imgpipe.base.EpochResult;
import java.io.IOException;

/** Called by the epoch loop ({@link SparkTrainer#fit}) during each epoch, in registration order. */
@FunctionalInterface
public interface EpochListener {
    /**
     * After an epoch's fit and validation: the epoch's figures, and the control to change the learning
     * rate or stop.
     *
     * @param result  the epoch's losses, accuracies, learning rate and seconds (fit and validation)
     * @param control the run's learning rate and stop decision
     * @throws IOException when the listener's output (a checkpoint, the history) cannot be written
     */
    void onEpochEnd(EpochResult result, TrainingControl control) throws IOException;

    /**
     * After an epoch's fit, before its validation; nothing by default.
     *
     * @param epoch   the epoch, 1-based
     * @param images  the training images fitted in it
     * @param seconds the fit's wall time in seconds (shuffled minibatches, parameter averaging), validation
     *                excluded
     */
    default void onFitEnd(int epoch, long images, double seconds) {
    }
}
