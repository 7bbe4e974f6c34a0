package org.imgpipe.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.imgpipe.io.AtomicFiles;
import org.imgpipe.io.CsvFiles;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The notebook's "Count Images in Categories" per split, plus every file that was skipped and why.
 */
public record IngestReport(String sourceRoot, String decodedDir, List<String> classNames, List<String> folds,
                           Map<String, long[]> counts, List<SkippedFile> skipped, double seconds) {

    /** The report's JSON file name inside the ingest report folder. */
    public static final String JSON_FILE = "ingest-report.json";

    /** @return the images decoded, over all folds and classes */
    public long decoded() {
        return counts.values().stream().mapToLong(c -> java.util.Arrays.stream(c).sum()).sum();
    }

    /** A class-by-fold table with totals. */
    public String table() {
        StringBuilder sb = new StringBuilder();
        int w = Math.max(5, classNames.stream().mapToInt(String::length).max().orElse(5));
        sb.append(String.format("%-" + w + "s", "class"));
        folds.forEach(f -> sb.append(String.format(" %8s", f)));
        sb.append('\n');
        long[] totals = new long[folds.size()];
        for (int c = 0; c < classNames.size(); c++) {
            sb.append(String.format("%-" + w + "s", classNames.get(c)));
            for (int f = 0; f < folds.size(); f++) {
                long n = counts.get(folds.get(f))[c];
                totals[f] += n;
                sb.append(String.format(" %8d", n));
            }
            sb.append('\n');
        }
        sb.append(String.format("%-" + w + "s", "total"));
        for (long t : totals) {
            sb.append(String.format(" %8d", t));
        }
        return sb.append('\n').toString();
    }

    /**
     * @return counts.csv (RFC 4180): split, class, count
     * @throws IOException never in practice (written to memory)
     */
    public String csv() throws IOException {
        List<List<Object>> rows = new java.util.ArrayList<>();
        for (String f : folds) {
            for (int c = 0; c < classNames.size(); c++) {
                rows.add(List.of(f, classNames.get(c), counts.get(f)[c]));
            }
        }
        return CsvFiles.write(List.of("split", "class", "count"), rows);
    }

    /** Writes ingest-report.json and counts.csv into the report folder. */
    public void write(Path dir, Configuration conf) throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        AtomicFiles.writeString(new Path(dir, JSON_FILE), conf, json.writeValueAsString(this));
        AtomicFiles.writeString(new Path(dir, "counts.csv"), conf, csv());
    }
}
