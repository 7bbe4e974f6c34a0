package org.imgpipe.score;

import java.io.Serializable;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
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
    private static final DateTimeFormatter CSV_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX")
            .withZone(ZoneOffset.UTC);

    /** A column's values: Java type in {@link #values}, Parquet and CSV encoding follow from it. */
    enum Type {
        /** {@link String}. */
        STRING,
        /** {@link Integer}. */
        INT,
        /** {@link Float}. */
        FLOAT,
        /** {@link Instant}, to the microsecond. */
        TIMESTAMP
    }

    /**
     * One column of the layout.
     *
     * @param name     the column's name
     * @param type     its values' type
     * @param nullable whether a row may have no value (top-k columns past the number of classes)
     */
    record Column(String name, Type type, boolean nullable) implements Serializable {
    }

    private final List<String> classNames;
    private final String modelVersion;
    private final Instant scoredAt;
    /** {@link #scoredAt} as the CSV prints it, formatted once a run rather than once a row. */
    private final String scoredAtCsv;
    private final List<Column> columns;

    /**
     * @param classNames   the model's class names, index order
     * @param modelVersion the registry version of the model, written in every row
     * @param scoredAt     the run's start, written in every row
     */
    PredictionRows(List<String> classNames, String modelVersion, Instant scoredAt) {
        this.classNames = List.copyOf(classNames);
        this.modelVersion = modelVersion;
        this.scoredAt = scoredAt;
        this.scoredAtCsv = CSV_TIME.format(scoredAt);
        List<Column> c = new ArrayList<>(List.of(new Column(PATH, Type.STRING, false),
                new Column("predicted_index", Type.INT, false), new Column("predicted_class", Type.STRING, false),
                new Column("confidence", Type.FLOAT, false)));
        for (int k = 1; k <= TOP; k++) {
            c.add(new Column("top" + k + "_class", Type.STRING, true));
            c.add(new Column("top" + k + "_probability", Type.FLOAT, true));
        }
        for (int i = 0; i < classNames.size(); i++) {
            c.add(new Column(probabilityColumn(i, classNames.get(i)), Type.FLOAT, false));
        }
        c.add(new Column(MODEL_VERSION, Type.STRING, false));
        c.add(new Column("scored_at", Type.TIMESTAMP, false));
        this.columns = List.copyOf(c);
    }

    /** @return the columns in file order */
    List<Column> columns() {
        return columns;
    }

    /** @return the column names in file order: the CSV header */
    List<String> names() {
        return columns.stream().map(Column::name).toList();
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

    /**
     * @param path the scored file
     * @param p    its K softmax probabilities, class index order
     * @return the row's values in {@link #columns()} order, of each column's {@link Type}; null where a
     *     top-k column has no class (fewer than {@link #TOP} classes)
     */
    Object[] values(String path, float[] p) {
        int[] order = ranking(p);
        Object[] v = new Object[columns.size()];
        int i = 0;
        v[i++] = path;
        v[i++] = order[0];
        v[i++] = classNames.get(order[0]);
        v[i++] = p[order[0]];
        for (int k = 0; k < TOP; k++) {
            boolean has = k < order.length;
            v[i++] = has ? classNames.get(order[k]) : null;
            v[i++] = has ? p[order[k]] : null;
        }
        for (float x : p) {
            v[i++] = x;
        }
        v[i++] = modelVersion;
        v[i] = scoredAt;
        return v;
    }

    /**
     * @param values a row from {@link #values}
     * @return its CSV cells: the scoring time as Spark's CSV writer prints a timestamp
     *     ({@code yyyy-MM-dd'T'HH:mm:ss.SSSXXX}, here in UTC), the rest as they are (null where a row has no value)
     */
    List<Object> csvCells(Object[] values) {
        List<Object> cells = new ArrayList<>(values.length);
        for (Object v : values) {
            cells.add(v instanceof Instant ? scoredAtCsv : v); // the one timestamp column holds the run's start
        }
        return cells;
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
