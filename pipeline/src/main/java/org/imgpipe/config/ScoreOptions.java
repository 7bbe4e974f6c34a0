package org.imgpipe.config;

/** Batch scoring: where the images are, where results go, which model version, batch size. */
public record ScoreOptions(String input, String outputDir, String modelVersion, int batchSize, boolean incremental,
                           int partitions) {
    static ScoreOptions from(Settings s) {
        return new ScoreOptions(s.nonEmpty("input"), s.nonEmpty("output-dir"), s.string("model-version").trim(),
                s.intAtLeast("batch-size", 1), s.bool("incremental"), s.intAtLeast("partitions", 0));
    }
}
