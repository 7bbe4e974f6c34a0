package org.imgpipe.score;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.imgpipe.io.DirectLocalFiles;

import java.io.IOException;
import java.util.List;

/**
 * The driver's side of the scoring tasks' part files: it makes the folder the task attempts write in
 * ({@link PartitionWriter}), then moves the parts of the attempts whose results it received into
 * {@code predictions/} and {@code predictions-csv/} and deletes the rest (failed or speculative
 * attempts'), all inside the run's staging folder.
 */
final class PartitionCommitter {
    private final FileSystem fs;
    private final Path staging;

    /**
     * @param fs      the staging folder's file system
     * @param staging the run's staging folder
     */
    PartitionCommitter(FileSystem fs, Path staging) {
        this.fs = fs;
        this.staging = staging;
    }

    /**
     * Makes the attempts folder; the tasks only create files in it, so that one still running after the
     * driver has deleted it fails instead of bringing it back.
     *
     * @return the folder the task attempts write their part files in
     * @throws IOException when it cannot be made
     */
    Path attempts() throws IOException {
        Path attempts = attemptsFolder();
        if (!fs.mkdirs(attempts)) {
            throw new IOException("cannot make " + attempts);
        }
        return attempts;
    }

    /**
     * @param parts the attempts' files as the driver received them, in partition order
     * @throws IOException when a file cannot be moved or the attempts folder deleted
     */
    void commit(List<PartitionFiles> parts) throws IOException {
        Path parquet = new Path(staging, "predictions");
        Path csv = new Path(staging, "predictions-csv");
        // HDFS and S3A rename only into a folder that exists.
        for (Path folder : List.of(parquet, csv)) {
            if (!fs.mkdirs(folder)) {
                throw new IOException("cannot make " + folder);
            }
        }
        for (int i = 0; i < parts.size(); i++) {
            rename(new Path(parts.get(i).parquet()), new Path(parquet, String.format("part-%05d.snappy.parquet", i)));
            rename(new Path(parts.get(i).csv()), new Path(csv, String.format("part-%05d.csv", i)));
        }
        if (!fs.delete(attemptsFolder(), true)) {
            throw new IOException("cannot delete " + attemptsFolder());
        }
        success(parquet);
        success(csv);
    }

    /**
     * Writes the empty {@code _SUCCESS} marker that Spark's writers leave in a complete folder.
     *
     * @param folder the folder
     * @throws IOException when it cannot be written
     */
    void success(Path folder) throws IOException {
        DirectLocalFiles.create(fs, new Path(folder, "_SUCCESS")).close();
    }

    private Path attemptsFolder() {
        return new Path(staging, "_attempts");
    }

    private void rename(Path from, Path to) throws IOException {
        if (!fs.rename(from, to)) {
            throw new IOException("cannot rename " + from + " to " + to);
        }
    }
}
