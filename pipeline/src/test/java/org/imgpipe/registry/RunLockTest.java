package org.imgpipe.registry;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunLockTest {
    private static final Duration DAY = Duration.ofHours(24);
    private final Configuration conf = new Configuration();

    @Test
    void aSecondRunIsRefusedUntilTheFirstReleases(@TempDir java.nio.file.Path dir) throws Exception {
        Path file = new Path(dir.resolve("retrain.lock").toUri());
        try (RunLock first = RunLock.acquire(file, DAY, conf)) {
            RunLock.HeldException e = assertThrows(RunLock.HeldException.class, () -> RunLock.acquire(file, DAY, conf));
            assertTrue(e.getMessage().contains("pid " + ProcessHandle.current().pid()), e.getMessage());
        }
        assertFalse(Files.exists(dir.resolve("retrain.lock")));
        RunLock.acquire(file, DAY, conf).close();
    }

    @Test
    void aLockLeftByADeadProcessOnThisHostIsTakenOver(@TempDir java.nio.file.Path dir) throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        writeLock(dir, p.pid(), Instant.now());
        try (RunLock ignored = RunLock.acquire(new Path(dir.resolve("retrain.lock").toUri()), DAY, conf)) {
            assertEquals(ProcessHandle.current().pid(), holder(dir).pid(), "the lock file names the new holder");
        }
        assertFalse(Files.exists(dir.resolve("retrain.lock")));
    }

    @Test
    void anOldLockIsTakenOverAndAFreshOneOfALiveProcessIsNot(@TempDir java.nio.file.Path dir) throws Exception {
        Path file = new Path(dir.resolve("retrain.lock").toUri());
        writeLock(dir, ProcessHandle.current().pid(), Instant.now());
        assertThrows(RunLock.HeldException.class, () -> RunLock.acquire(file, DAY, conf));
        Instant old = Instant.now().minus(Duration.ofHours(25));
        writeLock(dir, ProcessHandle.current().pid(), old);
        try (RunLock ignored = RunLock.acquire(file, DAY, conf)) {
            assertTrue(Instant.parse(holder(dir).started()).isAfter(old.plus(DAY)), "the lock was written anew");
        }
    }

    private static RunLock.Holder holder(java.nio.file.Path dir) throws Exception {
        return ModelRegistry.JSON.readValue(dir.resolve("retrain.lock").toFile(), RunLock.Holder.class);
    }

    private static void writeLock(java.nio.file.Path dir, long pid, Instant started) throws Exception {
        Files.writeString(dir.resolve("retrain.lock"), ModelRegistry.json(
                new RunLock.Holder(InetAddress.getLocalHost().getHostName(), pid, started.toString())));
    }
}
