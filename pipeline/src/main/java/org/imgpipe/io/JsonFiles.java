package org.imgpipe.io;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Reads and writes the pipeline's JSON files on any Hadoop file system with one Jackson setup:
 * indented output, and readers that ignore fields they do not know (files written by a later
 * version stay readable).
 */
public final class JsonFiles {
    /** The shared mapper; thread-safe once configured. */
    public static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private JsonFiles() {
    }

    /**
     * @param file the JSON file
     * @param conf the Hadoop configuration of its file system
     * @param type what to read it as (a record, an array, {@code JsonNode}, ...)
     * @return the value, or empty when the file does not exist
     * @throws IOException when it exists but cannot be read or does not parse as the type
     */
    public static <T> Optional<T> readIfExists(Path file, Configuration conf, Class<T> type) throws IOException {
        FileSystem fs = file.getFileSystem(conf);
        if (!fs.exists(file)) {
            return Optional.empty();
        }
        try (InputStream in = fs.open(file)) {
            return Optional.of(MAPPER.readValue(in, type));
        }
    }

    /**
     * Writes the value as indented JSON, atomically ({@link AtomicFiles}).
     *
     * @throws IOException when the file system fails
     */
    public static void write(Path file, Configuration conf, Object value) throws IOException {
        AtomicFiles.writeString(file, conf, MAPPER.writeValueAsString(value));
    }
}
