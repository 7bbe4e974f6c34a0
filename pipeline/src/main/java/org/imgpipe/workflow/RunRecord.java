package org.imgpipe.workflow;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkContext;
import org.imgpipe.config.PipelineConfig;
import org.imgpipe.io.JsonFiles;
import org.imgpipe.report.RunOutputs;
import org.imgpipe.runtime.RunEnvironment;

import java.io.IOException;
import java.util.Optional;

/**
 * {@value #FILE}: the environment and effective settings of a job, kept beside the models so that a
 * report drawn later, elsewhere, shows where and how the model was trained.
 */
final class RunRecord {
    static final String FILE = "run.json";

    private RunRecord() {
    }

    /** @return this driver's environment and the config's settings (secrets redacted) */
    static RunOutputs.RunSettings capture(PipelineConfig config, SparkContext sc) {
        return new RunOutputs.RunSettings(RunEnvironment.capture(sc.version(), sc.master(), sc.defaultParallelism()),
                config.render());
    }

    static void write(RunOutputs.RunSettings settings, Path file, Configuration conf) throws IOException {
        JsonFiles.write(file, conf, settings);
    }

    /** @return the record, or empty when the file does not exist */
    static Optional<RunOutputs.RunSettings> read(Path file, Configuration conf) throws IOException {
        return JsonFiles.readIfExists(file, conf, RunOutputs.RunSettings.class);
    }
}
