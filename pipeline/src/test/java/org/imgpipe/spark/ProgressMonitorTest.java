package org.imgpipe.spark;

import org.imgpipe.base.Console;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Progress lines: their figures, and that they stop when the phase ends. */
class ProgressMonitorTest {
    @Test
    void rateAndTimeLeft() {
        ProgressMonitor.Tick t = new ProgressMonitor.Tick(300, 1200, 10);
        assertEquals(30.0, t.rate());
        assertEquals(30.0, t.etaSeconds());
        ProgressMonitor.Tick none = new ProgressMonitor.Tick(0, 1200, 10);
        assertEquals(0.0, none.rate());
        assertTrue(Double.isNaN(none.etaSeconds()));
        assertEquals(0.0, new ProgressMonitor.Tick(5, 5, 0).rate());
    }

    @Test
    void durations() {
        assertEquals("0s", ProgressMonitor.duration(0.2));
        assertEquals("59s", ProgressMonitor.duration(59));
        assertEquals("3m05s", ProgressMonitor.duration(185));
        assertEquals("1h02m", ProgressMonitor.duration(3725));
        assertEquals("?", ProgressMonitor.duration(Double.NaN));
    }

    @Test
    void aCountingLine() {
        assertEquals("ingest: 12,000/50,000 files, 1200 files/s, ETA 32s",
                ProgressMonitor.counting("ingest", "files").apply(new ProgressMonitor.Tick(12_000, 50_000, 10)));
        assertEquals("evaluate test: 0/0 images, 0 images/s, ETA ?",
                ProgressMonitor.counting("evaluate test", "images").apply(new ProgressMonitor.Tick(0, 0, 0)));
    }

    @Test
    void printsWhileRunningAndNothingAfterClose() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Console out = new Console(stream, stream);
        AtomicLong done = new AtomicLong(7);
        ProgressMonitor monitor = ProgressMonitor.start(done::get, 10, t -> "done " + t.done(), out,
                Duration.ofMillis(5));
        for (int i = 0; i < 400 && !bytes.toString(StandardCharsets.UTF_8).contains("done 7"); i++) {
            Thread.sleep(5);
        }
        monitor.close();
        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(printed.startsWith("done 7\n"), printed);
        done.set(9);
        Thread.sleep(50);
        assertEquals(printed, bytes.toString(StandardCharsets.UTF_8), "no line after close");
    }
}
