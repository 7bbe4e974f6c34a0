package org.imgpipe.io;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;

/**
 * A folder written in full before anyone sees it: the content goes into a hidden staging sibling of the
 * target ({@link AtomicFiles#tempSibling}), which {@link #commit()} moves onto the target in one step.
 * Closing without a commit deletes the staging folder, so a failure leaves the previous target intact
 * and never a half-written one. Use it in try-with-resources; not thread-safe.
 */
public final class StagedFolder implements AutoCloseable {
    private final Path target;
    private final Path staging;
    private final Configuration conf;
    private final FileSystem fs;
    private boolean committed;

    private StagedFolder(Path target, Configuration conf) throws IOException {
        this.target = target;
        this.staging = AtomicFiles.tempSibling(target);
        this.conf = conf;
        this.fs = target.getFileSystem(conf);
    }

    /**
     * Starts staging a folder; nothing is created until something is written under {@link #path()}.
     *
     * @param target the folder to write or replace, on any Hadoop file system
     * @param conf   the Hadoop configuration for {@code target}'s file system
     * @return the staged folder
     * @throws IOException when {@code target}'s file system cannot be reached
     */
    public static StagedFolder of(Path target, Configuration conf) throws IOException {
        return new StagedFolder(target, conf);
    }

    /** @return the staging folder to write the content under */
    public Path path() {
        return staging;
    }

    /**
     * Moves the staged content onto the target, replacing a previous version ({@link AtomicFiles#replace}).
     *
     * @throws IOException when the move fails (the previous target is then still in place)
     */
    public void commit() throws IOException {
        AtomicFiles.replace(staging, target, conf);
        committed = true;
    }

    /**
     * Moves the staged content onto a target that must not exist yet: for folders that are written once
     * and never replaced under a fresh name (a registered model version, a scoring run). The check comes
     * first because Hadoop's rename moves a folder into an existing one instead of failing.
     *
     * @throws IOException when the target exists or the rename fails
     */
    public void commitNew() throws IOException {
        if (fs.exists(target)) {
            throw new IOException("cannot commit " + staging + ": " + target + " exists already");
        }
        fs.mkdirs(target.getParent());
        if (!fs.rename(staging, target)) {
            throw new IOException("cannot rename " + staging + " to " + target);
        }
        committed = true;
    }

    /**
     * Deletes the staging folder unless it was committed.
     *
     * @throws IOException when the delete fails
     */
    @Override
    public void close() throws IOException {
        if (!committed) {
            fs.delete(staging, true);
        }
    }
}
