package org.imgpipe.config;

/** Where decoded folds and the ingest report go. */
public record IngestOptions(String outputDir, String reportDir, int partitions) {
    static IngestOptions from(Settings s) {
        return new IngestOptions(s.nonEmpty("output-dir"), s.nonEmpty("report-dir"), s.intAtLeast("partitions", 0));
    }
}
