package org.imgpipe.registry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;

/**
 * A lock file on a Hadoop file system that keeps two scheduled runs from overlapping. It is taken by
 * creating the file without overwrite (atomic on HDFS and local disks; on S3 two runs started in the
 * same instant could both win). A lock whose holder is a dead process on this host, or older than
 * the maximum age, is taken over.
 */
public final class RunLock implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RunLock.class);
    /** Who holds a lock: host, process id and start time. */
    public record Holder(String host, long pid, String started) {
        static Holder self() throws IOException {
            return new Holder(InetAddress.getLocalHost().getHostName(), ProcessHandle.current().pid(),
                    Instant.now().toString());
        }

        boolean abandoned(Duration maxAge) throws IOException {
            boolean deadHere = host.equals(InetAddress.getLocalHost().getHostName())
                    && ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
            return deadHere || Instant.parse(started).plus(maxAge).isBefore(Instant.now());
        }
    }

    /** The lock is held by a live run. */
    public static final class HeldException extends Exception {
        HeldException(Path file, Holder h) {
            super("another run holds " + file + " (host " + h.host() + ", pid " + h.pid() + ", since " + h.started()
                    + "); if no run is active there, delete the file");
        }
    }

    private final FileSystem fs;
    private final Path file;

    private RunLock(FileSystem fs, Path file) {
        this.fs = fs;
        this.file = file;
    }

    /**
     * Takes the lock, taking over an abandoned one (its holder a dead process on this host, taken more than
     * {@code maxAge} ago, or its file empty or cut); {@link #close()} releases it.
     *
     * @param file the lock file, on any Hadoop file system; its parent folder is created
     * @param maxAge the age after which any lock counts as abandoned, its holder alive or not
     * @param conf the Hadoop configuration for {@code file}'s file system
     * @return the held lock
     * @throws HeldException when a live run holds the lock, or another run took over the abandoned one first
     * @throws IOException when the lock file cannot be created or read
     */
    public static RunLock acquire(Path file, Duration maxAge, Configuration conf) throws IOException, HeldException {
        FileSystem fs = file.getFileSystem(conf);
        if (tryCreate(fs, file)) {
            return new RunLock(fs, file);
        }
        Holder h = read(fs, file);
        if (h != null && !h.abandoned(maxAge)) {
            throw new HeldException(file, h);
        }
        LOG.warn("Taking over the abandoned lock {}{}", file, h == null ? "" : " of pid " + h.pid() + " on " + h.host());
        fs.delete(file, false);
        if (tryCreate(fs, file)) {
            return new RunLock(fs, file);
        }
        Holder winner = read(fs, file);
        if (winner == null) {
            throw new IOException("cannot create the lock file " + file);
        }
        throw new HeldException(file, winner);
    }

    private static boolean tryCreate(FileSystem fs, Path file) throws IOException {
        fs.mkdirs(file.getParent());
        try (OutputStream out = fs.create(file, false)) {
            ModelRegistry.JSON.writeValue(out, Holder.self());
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            if (fs.exists(file)) {
                return false;
            }
            throw e;
        }
    }

    private static Holder read(FileSystem fs, Path file) throws IOException {
        try (InputStream in = fs.open(file)) {
            return ModelRegistry.JSON.readValue(in, Holder.class);
        } catch (FileNotFoundException e) {
            return null;
        } catch (IOException e) {
            // A holder killed while writing the lock leaves it empty or cut: treat it as abandoned.
            return null;
        }
    }

    @Override
    public void close() throws IOException {
        fs.delete(file, false);
    }
}
