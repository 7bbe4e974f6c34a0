package org.imgpipe.spark;

import org.imgpipe.base.Console;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Prints a progress line on the driver at a fixed period (every {@link #PERIOD} by default) while a
 * long Spark phase runs: how much is done of the total, the rate and the time left. The count comes
 * from a supplier, typically a Spark accumulator, which the driver sees grow as tasks finish.
 * Close it when the phase ends; it prints nothing more then.
 */
public final class ProgressMonitor implements AutoCloseable {
    /** The console period of progress lines. */
    public static final Duration PERIOD = Duration.ofSeconds(10);

    private final ScheduledExecutorService timer;

    /**
     * One observation.
     *
     * @param done    units done so far
     * @param total   units in the phase
     * @param seconds seconds since the phase started
     */
    public record Tick(long done, long total, double seconds) {
        /** @return units per second so far, 0 before any is done */
        public double rate() {
            return seconds > 0 ? done / seconds : 0;
        }

        /** @return seconds left at the rate so far, NaN while the rate is 0 */
        public double etaSeconds() {
            return rate() > 0 ? Math.max(0, total - done) / rate() : Double.NaN;
        }
    }

    private ProgressMonitor(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    /**
     * Starts printing {@code line(tick)} every {@link #PERIOD}.
     *
     * @param done  the units done so far (read from a timer thread)
     * @param total the units in the phase
     * @param line  formats a tick as one console line
     * @param out   where the lines go
     * @return the running monitor; close it when the phase ends
     */
    public static ProgressMonitor start(LongSupplier done, long total, Function<Tick, String> line, Console out) {
        return start(done, total, line, out, PERIOD);
    }

    /**
     * As {@link #start(LongSupplier, long, Function, Console)} with another period.
     *
     * @param done   the units done so far (read from a timer thread)
     * @param total  the units in the phase
     * @param line   formats a tick as one console line
     * @param out    where the lines go
     * @param period time between lines, and before the first
     * @return the running monitor; close it when the phase ends
     */
    public static ProgressMonitor start(LongSupplier done, long total, Function<Tick, String> line, Console out,
                                        Duration period) {
        long start = System.nanoTime();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "progress");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(() -> {
            out.line(line.apply(new Tick(done.getAsLong(), total, (System.nanoTime() - start) / 1e9)));
        }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        return new ProgressMonitor(timer);
    }

    /**
     * The line of a phase that counts things: {@code ingest: 12,000/50,000 files, 3,100 files/s, ETA 12s}.
     *
     * @param phase the phase's name
     * @param unit  what is counted, plural
     * @return the formatter
     */
    public static Function<Tick, String> counting(String phase, String unit) {
        return t -> String.format(Locale.ROOT, "%s: %,d/%,d %s, %.0f %s/s, ETA %s", phase, t.done(), t.total(), unit,
                t.rate(), unit, duration(t.etaSeconds()));
    }

    /**
     * @param seconds a duration in seconds, or NaN when unknown
     * @return {@code 1h02m}, {@code 3m05s}, {@code 12s}, or {@code ?} when unknown
     */
    public static String duration(double seconds) {
        if (!Double.isFinite(seconds)) {
            return "?";
        }
        long s = Math.round(seconds);
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
        }
        return s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }

    /** Stops the lines; waits for a line being printed to finish. */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
