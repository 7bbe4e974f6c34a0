package org.imgpipe.data;

import org.apache.spark.api.java.JavaRDD;
import scala.Tuple2;

import java.io.Serializable;
import java.util.Comparator;
import java.util.List;

/**
 * What an executor made of one input file: a value (decoded pixels, class probabilities), or the reason
 * the file was rejected, so that one bad file is listed instead of failing its task. Ingest and scoring
 * both read files this way. A plain class, not a record, because Spark's Kryo cannot serialize records.
 *
 * @param <T> the value of an accepted file
 */
public final class FileResult<T extends Serializable> implements Serializable {
    private final String path;
    private final T value;
    private final String error;

    private FileResult(String path, T value, String error) {
        this.path = path;
        this.value = value;
        this.error = error;
    }

    /**
     * @param path  the file
     * @param value what was made of it
     * @param <T>   the value's type
     * @return an accepted file
     */
    public static <T extends Serializable> FileResult<T> accepted(String path, T value) {
        return new FileResult<>(path, value, null);
    }

    /**
     * @param path   the file
     * @param reason why it was rejected, one line for the user
     * @param <T>    the value's type
     * @return a rejected file
     */
    public static <T extends Serializable> FileResult<T> rejected(String path, String reason) {
        return new FileResult<>(path, null, reason);
    }

    /**
     * The rejected files of a data set, collected on the driver.
     *
     * @param results the files' results
     * @param <T>     the values' type
     * @return the rejected files with their reasons, sorted by path; empty when none was rejected
     */
    public static <T extends Serializable> List<SkippedFile> rejections(JavaRDD<FileResult<T>> results) {
        // Tuples: Kryo, Spark's serializer here, cannot build records.
        return results.filter(r -> !r.ok()).map(r -> new Tuple2<>(r.path(), r.error())).collect().stream()
                .map(t -> new SkippedFile(t._1(), t._2())).sorted(Comparator.comparing(SkippedFile::path)).toList();
    }

    /** @return whether the file was accepted */
    public boolean ok() {
        return error == null;
    }

    /** @return the file's path as listed */
    public String path() {
        return path;
    }

    /** @return what was made of an accepted file; null for a rejected one */
    public T value() {
        return value;
    }

    /** @return why the file was rejected; null for an accepted one */
    public String error() {
        return error;
    }
}
