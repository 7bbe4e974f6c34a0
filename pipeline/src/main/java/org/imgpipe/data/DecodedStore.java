package org.imgpipe.data;

import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.imgpipe.base.UserError;

import static org.apache.spark.sql.functions.col;

/**
 * Decoded folds as Parquet under one folder, partitioned by fold: label, source path and the image
 * as uint8 bytes (3 KB per 32x32 image), so that training and evaluation never decode images again.
 */
public final class DecodedStore {
    static final String FOLD = "fold";
    static final String LABEL = "label";
    static final String PATH = "path";
    static final String IMAGE = "image";
    static final StructType SCHEMA = new StructType()
            .add(FOLD, DataTypes.StringType, false)
            .add(LABEL, DataTypes.IntegerType, false)
            .add(PATH, DataTypes.StringType, false)
            .add(IMAGE, DataTypes.BinaryType, false);

    private final SparkSession spark;
    private final Path dir;
    private final DatasetManifest manifest;

    private DecodedStore(SparkSession spark, Path dir, DatasetManifest manifest) {
        this.spark = spark;
        this.dir = dir;
        this.manifest = manifest;
    }

    /**
     * Opens the decoded folder an ingest wrote, reading its manifest now; the Parquet is read lazily per fold.
     *
     * @param spark the session to read with
     * @param dir the decoded folder, on any Hadoop file system
     * @return the store
     * @throws UserError when the folder has no manifest (ingest has not run) or it cannot be read
     */
    public static DecodedStore open(SparkSession spark, Path dir) {
        return new DecodedStore(spark, dir, DatasetManifest.read(dir, spark.sparkContext().hadoopConfiguration()));
    }

    /** @return the manifest: class names, image size, counts and fingerprints per fold */
    public DatasetManifest manifest() {
        return manifest;
    }

    /** The examples of one fold; a fold that was not ingested is a user error. */
    public JavaRDD<LabeledImage> fold(String name) {
        if (!manifest.counts().containsKey(name)) {
            throw new UserError("fold '" + name + "' was not ingested into " + dir + " (ingested: "
                    + manifest.counts().keySet() + "); add it to the data settings and rerun ingest");
        }
        Dataset<Row> rows = spark.read().schema(SCHEMA).parquet(dir.toString())
                .where(col(FOLD).equalTo(name)).select(LABEL, IMAGE);
        return rows.javaRDD().map(r -> new LabeledImage(r.getInt(0), (byte[]) r.get(1)));
    }

    /**
     * A few examples of every class, for looking at: the first {@code perClass} of each class in the
     * fold's storage order (the same on every call).
     *
     * @param name     an ingested fold
     * @param perClass examples wanted per class, at least 1
     * @return the examples grouped by label, class 0 first; fewer for a class with fewer images
     * @throws UserError when the fold was not ingested
     */
    public java.util.List<LabeledImage> firstPerClass(String name, int perClass) {
        int k = manifest.numClasses();
        java.util.List<LabeledImage> candidates = fold(name).mapPartitions(new FirstPerClass(k, perClass)).collect();
        java.util.List<LabeledImage> out = new java.util.ArrayList<>();
        for (int c = 0; c < k; c++) {
            final int label = c;
            candidates.stream().filter(e -> e.label() == label).limit(perClass).forEach(out::add);
        }
        return out;
    }

    /** Several folds as one data set. */
    public JavaRDD<LabeledImage> folds(java.util.List<String> names) {
        JavaRDD<LabeledImage> all = null;
        for (String n : names) {
            all = all == null ? fold(n) : all.union(fold(n));
        }
        return all;
    }
}
