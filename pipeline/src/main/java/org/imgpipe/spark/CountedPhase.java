package org.imgpipe.spark;

import org.imgpipe.base.Console;
import org.apache.spark.SparkContext;
import org.apache.spark.util.LongAccumulator;

/**
 * A phase of a job that counts what it has done (files decoded, images evaluated): names its Spark
 * jobs ({@link JobPhase}), gives the executors an accumulator to count on, and prints
 * {@code phase: done/total unit, rate, ETA} on the driver every {@link ProgressMonitor#PERIOD} until
 * closed.
 */
public final class CountedPhase implements AutoCloseable {
    private final LongAccumulator counter;
    private final ProgressMonitor monitor;

    private CountedPhase(LongAccumulator counter, ProgressMonitor monitor) {
        this.counter = counter;
        this.monitor = monitor;
    }

    /**
     * @param sc    the driver's context
     * @param phase the phase's name, e.g. {@code ingest} or {@code evaluate test}
     * @param total how many units the phase has
     * @param unit  what is counted, plural, e.g. {@code files}
     * @param out   where progress lines go
     * @return the running phase; close it when the phase's jobs are done
     */
    public static CountedPhase start(SparkContext sc, String phase, long total, String unit, Console out) {
        JobPhase.set(sc, phase);
        LongAccumulator counter = sc.longAccumulator(phase);
        return new CountedPhase(counter, ProgressMonitor.start(counter::value, total,
                ProgressMonitor.counting(phase, unit), out));
    }

    /** @return the accumulator executors add each unit done to */
    public LongAccumulator counter() {
        return counter;
    }

    /** Stops the progress lines (the job group stays until the next phase sets its own). */
    @Override
    public void close() {
        monitor.close();
    }
}
