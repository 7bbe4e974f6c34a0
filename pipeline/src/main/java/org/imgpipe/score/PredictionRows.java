package org.imgpipe.score;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.Serializable;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;

/**
 * The flat row layout of predictions, the same in Parquet and CSV: path, predicted index, class and
 * confidence, the top three classes with their probabilities, one probability column per class
 * ({@code p_<index>_<class name>}), the model version and the scoring time.
 */
final class PredictionRows implements Serializable {
    static final String PATH = "path";
    static final String MODEL_VERSION = "model_version";
    static final int TOP = 3;

    private final List<String> classNames;
    private final String modelVersion;
    private final Timestamp scoredAt;

    PredictionRows(List<String> classNames, String modelVersion, Timestamp scoredAt) {
        this.classNames = List.copyOf(classNames);
        this.modelVersion = modelVersion;
        this.scoredAt = scoredAt;
    }

    StructType schema() {
        StructType s = new StructType()
                .add(PATH, DataTypes.StringType, false)
                .add("predicted_index", DataTypes.IntegerType, false)
                .add("predicted_class", DataTypes.StringType, false)
                .add("confidence", DataTypes.FloatType, false);
        for (int k = 1; k <= TOP; k++) {
            s = s.add("top" + k + "_class", DataTypes.StringType, true)
                    .add("top" + k + "_probability", DataTypes.FloatType, true);
        }
        for (int c = 0; c < classNames.size(); c++) {
            s = s.add(probabilityColumn(c, classNames.get(c)), DataTypes.FloatType, false);
        }
        return s.add(MODEL_VERSION, DataTypes.StringType, false)
                .add("scored_at", DataTypes.TimestampType, false);
    }

    /**
     * The probability column of a class: {@code p_<index>_<name>} with every character other than ASCII
     * letters, digits and '_' replaced by '_'. The index keeps columns unique for any set of class
     * folders, also those that differ only in case ({@code Cat}, {@code cat}: Spark matches column names
     * case-insensitively) or only in characters the replacement merges ({@code 猫}, {@code 犬}).
     *
     * @param index the class index, 0..K-1
     * @param name  the class name
     * @return the column name
     */
    static String probabilityColumn(int index, String name) {
        return "p_" + index + "_" + name.replaceAll("[^A-Za-z0-9_]", "_");
    }

    Row row(String path, float[] p) {
        int[] order = ranking(p);
        List<Object> v = new ArrayList<>(4 + 2 * TOP + p.length + 2);
        v.add(path);
        v.add(order[0]);
        v.add(classNames.get(order[0]));
        v.add(p[order[0]]);
        for (int k = 0; k < TOP; k++) {
            boolean has = k < order.length;
            v.add(has ? classNames.get(order[k]) : null);
            v.add(has ? p[order[k]] : null);
        }
        for (float x : p) {
            v.add(x);
        }
        v.add(modelVersion);
        v.add(scoredAt);
        return RowFactory.create(v.toArray());
    }

    /** Class indices by falling probability; ties keep the lower index first, as argmax does. */
    static int[] ranking(float[] p) {
        Integer[] idx = new Integer[p.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        java.util.Arrays.sort(idx, (a, b) -> p[a] != p[b] ? Float.compare(p[b], p[a]) : Integer.compare(a, b));
        return java.util.Arrays.stream(idx).mapToInt(Integer::intValue).toArray();
    }
}
