package org.imgpipe.score;

import org.imgpipe.data.SkippedFile;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * What one task attempt wrote for its partition ({@link PartitionWriter}): its Parquet and CSV part
 * files, their row count, and the partition's rejected files. A plain class, not a record: Spark's Kryo
 * cannot serialize records.
 */
final class PartitionFiles implements Serializable {
    private final String parquet;
    private final String csv;
    private final long rows;
    private final ArrayList<String> rejectedPaths = new ArrayList<>();
    private final ArrayList<String> rejectedReasons = new ArrayList<>();

    /**
     * @param parquet the Parquet part file, as {@code Path.toString()}
     * @param csv     the CSV part file, as {@code Path.toString()}
     * @param rows    the predictions in each of the two files
     * @param rejected the partition's files that were not scored, with their reasons
     */
    PartitionFiles(String parquet, String csv, long rows, List<SkippedFile> rejected) {
        this.parquet = parquet;
        this.csv = csv;
        this.rows = rows;
        for (SkippedFile r : rejected) {
            rejectedPaths.add(r.path());
            rejectedReasons.add(r.reason());
        }
    }

    /** @return the Parquet part file, as {@code Path.toString()} */
    String parquet() {
        return parquet;
    }

    /** @return the CSV part file, as {@code Path.toString()} */
    String csv() {
        return csv;
    }

    /** @return the predictions in each part file */
    long rows() {
        return rows;
    }

    /** @return the partition's rejected files with their reasons, in the partition's order */
    List<SkippedFile> rejected() {
        List<SkippedFile> out = new ArrayList<>(rejectedPaths.size());
        for (int i = 0; i < rejectedPaths.size(); i++) {
            out.add(new SkippedFile(rejectedPaths.get(i), rejectedReasons.get(i)));
        }
        return out;
    }
}
