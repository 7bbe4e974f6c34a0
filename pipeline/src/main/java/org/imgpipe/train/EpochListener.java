package org.imgpipe.train;

import org.imgpipe.base.EpochResult;
import java.io.IOException;

/** Called by the epoch loop after each epoch, in registration order. */
@FunctionalInterface
public interface EpochListener {
    void onEpochEnd(EpochResult result, TrainingControl control) throws IOException;
}
