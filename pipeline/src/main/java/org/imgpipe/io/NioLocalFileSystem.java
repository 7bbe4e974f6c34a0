package org.imgpipe.io;

import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Hadoop's local file system (with checksum files) whose permission changes are one system call through
 * java.nio instead of a forked {@code chmod}. Without its native library, which Hadoop's Maven artifacts do
 * not ship, Hadoop's local file system forks {@code chmod} for every file and folder it creates (~20 ms
 * each, measured): Spark's writers and committers create part files, checksum files, attempt folders and
 * {@code _SUCCESS} markers (32 forks for one batch scoring run when scoring wrote through them).
 * {@code SparkSessions} registers this class for {@code file:} URIs in local mode
 * ({@code spark.hadoop.fs.file.impl}, unless set); do not set it for a cluster, whose executors build their
 * Hadoop configuration before the application jar is on their class path. Permissions are Hadoop's (umask
 * applied by Hadoop before the call); where the sticky bit is asked for, or the file already has its setuid,
 * setgid or sticky bit (which java.nio would clear and {@code chmod} keeps on folders), Hadoop's own
 * {@code chmod} runs.
 */
public class NioLocalFileSystem extends LocalFileSystem {

    /** Creates the file system over {@link Raw}; Hadoop's {@code FileSystem.get} initializes it. */
    public NioLocalFileSystem() {
        super(new Raw());
    }

    /** The raw local file system beneath, with {@link #setPermission} through java.nio. */
    static final class Raw extends RawLocalFileSystem {
        /** setuid, setgid and sticky: bits a plain chmod(2) of the permission bits would clear. */
        private static final int SPECIAL_BITS = 07000;

        /**
         * Sets the owner, group and other permission bits of a local file or folder.
         *
         * @param p the path, on this file system
         * @param permission the permission
         * @throws IOException when the file does not exist or its permissions cannot be changed
         */
        @Override
        public void setPermission(Path p, FsPermission permission) throws IOException {
            java.nio.file.Path file = pathToFile(p).toPath();
            try {
                int mode = (Integer) Files.getAttribute(file, "unix:mode");
                if ((mode & SPECIAL_BITS) != 0 || permission.getStickyBit()) {
                    super.setPermission(p, permission);
                    return;
                }
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permission.getUserAction().SYMBOL
                        + permission.getGroupAction().SYMBOL + permission.getOtherAction().SYMBOL));
            } catch (UnsupportedOperationException | IllegalArgumentException notUnix) {
                super.setPermission(p, permission);
            }
        }
    }
}
