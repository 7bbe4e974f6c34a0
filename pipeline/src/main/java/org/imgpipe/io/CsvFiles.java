package org.imgpipe.io;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** RFC 4180 CSV with a header row (Jackson's CSV module): fields holding commas, quotes or newlines are quoted. */
public final class CsvFiles {
    private static final CsvMapper CSV = new CsvMapper();

    private CsvFiles() {
    }

    /**
     * @param header the column names
     * @param rows   the rows, each with as many values as the header (numbers written as Java prints them)
     * @return the CSV text, header first, one line per row
     * @throws IOException when a value cannot be written
     */
    public static String write(List<String> header, List<? extends List<?>> rows) throws IOException {
        return CSV.writer(schema(header)).writeValueAsString(rows);
    }

    /**
     * Streams rows, in the format of {@link #write}, for tables too large to hold as text.
     *
     * @param out    where the CSV goes; closed when the returned writer is
     * @param header the column names, written before the first row (or on close when there is none)
     * @return the writer; close it to flush and close {@code out}
     * @throws IOException when the writer cannot be set up on {@code out}
     */
    public static RowWriter rowWriter(Writer out, List<String> header) throws IOException {
        return new RowWriter(CSV.writer(schema(header)).writeValues(out));
    }

    /** Writes CSV rows one at a time ({@link #rowWriter}). */
    public static final class RowWriter implements Closeable {
        private final SequenceWriter rows;

        private RowWriter(SequenceWriter rows) {
            this.rows = rows;
        }

        /**
         * @param row as many values as the header, numbers written as Java prints them, null for an empty cell
         *     (Jackson's row writer would leave a null out and shift the cells after it)
         * @throws IOException when the row cannot be written
         */
        public void write(List<?> row) throws IOException {
            List<Object> cells = new ArrayList<>(row.size());
            for (Object v : row) {
                cells.add(v == null ? "" : v);
            }
            rows.write(cells);
        }

        @Override
        public void close() throws IOException {
            rows.close();
        }
    }

    private static CsvSchema schema(List<String> header) {
        CsvSchema.Builder schema = CsvSchema.builder();
        header.forEach(schema::addColumn);
        return schema.setUseHeader(true).build();
    }

    /**
     * @param in CSV with a header row; closed when read
     * @return one map per row, column name to cell text ("" for an empty cell)
     * @throws IOException when the stream fails or the CSV is malformed
     */
    public static List<Map<String, String>> readRows(InputStream in) throws IOException {
        List<Map<String, String>> out = new ArrayList<>();
        try (in; MappingIterator<Map<String, String>> rows = CSV.readerFor(Map.class)
                .with(CsvSchema.emptySchema().withHeader()).readValues(in)) {
            while (rows.hasNext()) {
                out.add(rows.next());
            }
        }
        return out;
    }
}
