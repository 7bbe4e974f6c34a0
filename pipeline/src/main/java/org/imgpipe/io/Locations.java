package org.imgpipe.io;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.imgpipe.cli.UserError;

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

    /** How to show a location to a user: a local file as a plain path, anything else as its URI. */
    public static String display(Path p) {
        return "file".equals(p.toUri().getScheme()) ? p.toUri().getPath() : p.toString();
    }
}
