package org.imgpipe.train;

import java.util.Map;

/**
 * An epoch listener with counters that a resumed run must get back (patience waits, best values),
 * so that it decides exactly as the uninterrupted run would have.
 */
public interface Resumable {
    /** The listener's name in a checkpoint, unique within a run. */
    String stateName();

    Map<String, Double> state();

    void restore(Map<String, Double> state);
}
