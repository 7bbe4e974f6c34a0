package org.imgpipe.jobs;

import org.apache.spark.sql.SparkSession;
import org.imgpipe.cli.JobRunner;
import org.imgpipe.spark.SparkSessions;
import org.imgpipe.workflow.IngestWorkflow;

/** spark-submit entry point: decode the image folds into the work area. */
public final class IngestJob {
    private IngestJob() {
    }

    public static void main(String[] args) {
        JobRunner.exit("ingest", args, (config, a) -> {
            try (SparkSession spark = SparkSessions.create(config.spark())) {
                new IngestWorkflow(config, spark).run();
            }
        });
    }
}
