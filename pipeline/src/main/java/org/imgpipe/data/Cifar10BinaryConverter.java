package org.imgpipe.data;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.imgpipe.base.UserError;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts the official CIFAR-10 binary batches (data_batch_1..5.bin, test_batch.bin: records of one
 * label byte and 3072 pixel bytes, R then G then B planes) into the fold layout the pipeline reads:
 * data_batch_K -> trainK, test_batch -> test, class folders "000_airplane" ... named from
 * batches.meta.txt.
 */
public final class Cifar10BinaryConverter {
    /** The ten class names in label order, as CIFAR-10's batches.meta.txt lists them. */
    public static final List<String> DEFAULT_NAMES = List.of("airplane", "automobile", "bird", "cat", "deer",
            "dog", "frog", "horse", "ship", "truck");
    static final int SIDE = 32;
    static final int RECORD = 1 + 3 * SIDE * SIDE;

    /** Converts every batch present under in; returns images written per fold. */
    public Map<String, Integer> convert(Path in, Path out, Configuration conf) throws IOException {
        FileSystem fs = in.getFileSystem(conf);
        Map<String, Path> batches = new LinkedHashMap<>();
        for (int k = 1; k <= 5; k++) {
            batches.put("train" + k, new Path(in, "data_batch_" + k + ".bin"));
        }
        batches.put("test", new Path(in, "test_batch.bin"));
        batches.values().removeIf(p -> !exists(fs, p));
        if (batches.isEmpty()) {
            throw new UserError("no CIFAR-10 binary batches (data_batch_1.bin ... test_batch.bin) in " + in);
        }
        List<String> names = classNames(fs, new Path(in, "batches.meta.txt"));
        Map<String, Integer> written = new LinkedHashMap<>();
        try (FoldWriter writer = new FoldWriter(out, conf)) {
            for (Map.Entry<String, Path> b : batches.entrySet()) {
                written.put(b.getKey(), convertBatch(fs, b.getValue(), b.getKey(), names, writer));
            }
            writer.commit();
        }
        return written;
    }

    private int convertBatch(FileSystem fs, Path batch, String fold, List<String> names, FoldWriter writer)
            throws IOException {
        long len = fs.getFileStatus(batch).getLen();
        if (len == 0 || len % RECORD != 0) {
            throw new UserError(batch + " is not a CIFAR-10 binary batch: its size " + len
                    + " is not a multiple of " + RECORD + " bytes");
        }
        int[] perClass = new int[names.size()];
        byte[] record = new byte[RECORD];
        int n = (int) (len / RECORD);
        try (DataInputStream din = new DataInputStream(fs.open(batch))) {
            for (int i = 0; i < n; i++) {
                din.readFully(record);
                int label = record[0] & 0xFF;
                if (label >= names.size()) {
                    throw new UserError(batch + " record " + i + " has label " + label + ", beyond the "
                            + names.size() + " classes");
                }
                writer.write(fold, folderName(label, names.get(label)), String.format("%04d.png", perClass[label]++),
                        planarToInterleaved(record), SIDE);
            }
        }
        return n;
    }

    static String folderName(int label, String name) {
        return String.format("%03d_%s", label, name);
    }

    static byte[] planarToInterleaved(byte[] record) {
        int plane = SIDE * SIDE;
        byte[] rgb = new byte[3 * plane];
        for (int p = 0; p < plane; p++) {
            for (int c = 0; c < 3; c++) {
                rgb[3 * p + c] = record[1 + c * plane + p];
            }
        }
        return rgb;
    }

    private static List<String> classNames(FileSystem fs, Path meta) throws IOException {
        if (!exists(fs, meta)) {
            return DEFAULT_NAMES;
        }
        List<String> names = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(fs.open(meta), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (!line.isBlank()) {
                    names.add(line.trim());
                }
            }
        }
        return names.isEmpty() ? DEFAULT_NAMES : names;
    }

    private static boolean exists(FileSystem fs, Path p) {
        try {
            return fs.exists(p);
        } catch (IOException e) {
            return false;
        }
    }
}
