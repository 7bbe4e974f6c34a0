package org.imgpipe.workflow;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkContext;
import org.imgpipe.config.PipelineConfig;
import org.imgpipe.io.AtomicFiles;
import org.imgpipe.report.RunOutputs;
import org.imgpipe.runtime.RunEnvironment;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * {@value #FILE}: the environment and effective settings of a job, kept beside the models so that a
 * report drawn later, elsewhere, shows where and how the model was trained.
 */
final class RunRecord {
    static final String FILE = "run.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private RunRecord() {
    }

    /** @return this driver's environment and the config's settings (secrets redacted) */
    static RunOutputs.RunSettings capture(PipelineConfig config, SparkContext sc) {
        return new RunOutputs.RunSettings(RunEnvironment.capture(sc.version(), sc.master(), sc.defaultParallelism()),
                config.render());
    }

    static void write(RunOutputs.RunSettings settings, Path file, Configuration conf) throws IOException {
        AtomicFiles.writeString(file, conf, JSON.writeValueAsString(settings));
    }

    /** @return the record, or empty when the file does not exist */
    static Optional<RunOutputs.RunSettings> read(Path file, Configuration conf) throws IOException {
        FileSystem fs = file.getFileSystem(conf);
        if (!fs.exists(file)) {
            return Optional.empty();
        }
        try (InputStream in = fs.open(file)) {
            return Optional.of(JSON.readValue(in, RunOutputs.RunSettings.class));
        }
    }
}
