package org.imgpipe.report;

import com.fasterxml.jackson.databind.JsonNode;
import org.imgpipe.io.CsvFiles;
import org.imgpipe.io.JsonFiles;
import org.imgpipe.base.EpochResult;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The reference notebook's published figures ({@code notebooks-export/reference/}, packaged into the
 * library as {@value #RESOURCE_DIR}): its per-epoch history and its final test metrics.
 *
 * @param history one entry per logged epoch; NaN where the notebook's log showed no value, seconds
 *                always NaN
 * @param metrics metrics.json: accuracy, macro/weighted precision, recall and F1 on its test set,
 *                best_val_loss, best_epoch, peak_val_accuracy, most_confused_pair, notes
 */
public record ReferenceRun(List<EpochResult> history, JsonNode metrics) {
    static final String RESOURCE_DIR = "imgpipe/reference/";

    /**
     * @return the packaged reference
     * @throws UncheckedIOException when the resources are missing from the build or unreadable
     */
    public static ReferenceRun load() {
        try {
            return new ReferenceRun(readHistory(open("history.csv")), JsonFiles.MAPPER.readTree(open("metrics.json")));
        } catch (IOException e) {
            throw new UncheckedIOException("the reference figures (" + RESOURCE_DIR + ") cannot be read", e);
        }
    }

    /**
     * Parses a Keras-style history CSV with a header of epoch, loss, accuracy, val_loss, val_accuracy
     * and lr (other columns ignored; blank cells become NaN).
     *
     * @param in the CSV, closed when read
     * @return the epochs in file order
     * @throws IOException when the stream fails or a cell is not a number
     */
    static List<EpochResult> readHistory(InputStream in) throws IOException {
        List<EpochResult> out = new ArrayList<>();
        try {
            for (Map<String, String> r : CsvFiles.readRows(in)) {
                out.add(new EpochResult((int) number(r, "epoch"), number(r, "loss"), number(r, "accuracy"),
                        number(r, "val_loss"), number(r, "val_accuracy"), number(r, "lr"), Double.NaN));
            }
        } catch (NumberFormatException e) {
            throw new IOException("reference history: " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * @param key a metrics.json key, e.g. {@code macro_f1}
     * @return its value, NaN when the reference does not give it
     */
    public double metric(String key) {
        return metrics.has(key) ? metrics.get(key).asDouble() : Double.NaN;
    }

    /** @return the reference's most confused pair as "a / b", or "" when not given */
    public String mostConfusedPair() {
        JsonNode pair = metrics.get("most_confused_pair");
        return pair == null || pair.size() != 2 ? "" : pair.get(0).asText() + " / " + pair.get(1).asText();
    }

    private static double number(Map<String, String> row, String column) {
        String v = row.get(column);
        return v == null || v.isBlank() ? Double.NaN : Double.parseDouble(v.trim());
    }

    private static InputStream open(String name) throws IOException {
        InputStream in = ReferenceRun.class.getClassLoader().getResourceAsStream(RESOURCE_DIR + name);
        if (in == null) {
            throw new IOException(RESOURCE_DIR + name + " is not on the classpath");
        }
        return in;
    }
}
