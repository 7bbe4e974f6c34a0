package org.imgpipe.io;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.imgpipe.base.UserError;

import java.io.IOException;

/** Turns configured location strings into fully qualified Hadoop paths. */
public final class Locations {
    private Locations() {
    }

    /**
     * A scheme-less path is qualified against fs.defaultFS (locally: the current directory). Trailing
     * slashes are dropped: Hadoop keeps them, and "dir/" would then be its own parent.
     */
    public static Path resolve(String location, Configuration conf) {
        String trimmed = location.trim();
        while (trimmed.length() > 1 && trimmed.endsWith("/") && !trimmed.endsWith(":/") && !trimmed.endsWith("//")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        try {
            Path p = new Path(trimmed);
            return p.toUri().getScheme() != null ? p : p.getFileSystem(conf).makeQualified(p);
        } catch (IllegalArgumentException | IOException e) {
            throw new UserError("cannot use location '" + location + "': " + e.getMessage(), e);
        }
    }

    /**
     * Fails at start, with the location and the setting named, when a job could not write its output
     * there, rather than after minutes of work with a file-system stack trace.
     */
    public static void requireWritable(Path dir, String settingKey, Configuration conf) {
        try {
            FileSystem fs = dir.getFileSystem(conf);
            if (!fs.mkdirs(dir)) {
                throw new IOException("cannot create the folder");
            }
            Path probe = new Path(dir, "_write-probe-" + java.util.UUID.randomUUID());
            fs.create(probe, false).close();
            fs.delete(probe, false);
        } catch (IOException | RuntimeException e) {
            throw new UserError("cannot write to " + dir + " (" + e.getMessage() + "): set " + settingKey
                    + " to a writable location", e);
        }
    }

    /**
     * @param p an entry of a folder the pipeline writes (registry, outputs)
     * @return whether Hadoop and Spark treat it as hidden: '.' and '_' prefixes (checksums, temporary
     *         folders such as {@link AtomicFiles#tempSibling}, markers)
     */
    public static boolean hidden(Path p) {
        String name = p.getName();
        return name.startsWith(".") || name.startsWith("_");
    }

    /** How to show a location to a user: a local file as a plain path, anything else as its URI. */
    public static String display(Path p) {
        return "file".equals(p.toUri().getScheme()) ? p.toUri().getPath() : p.toString();
    }
}
