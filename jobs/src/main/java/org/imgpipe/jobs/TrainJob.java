package org.imgpipe.jobs;

import org.apache.spark.sql.SparkSession;
import org.imgpipe.cli.JobRunner;
import org.imgpipe.spark.SparkSessions;
import org.imgpipe.workflow.TrainWorkflow;

/** spark-submit entry point: train Model S on the ingested folds. */
public final class TrainJob {
    private TrainJob() {
    }

    public static void main(String[] args) {
        JobRunner.exit("train", args, (config, a) -> {
            try (SparkSession spark = SparkSessions.create(config.spark())) {
                new TrainWorkflow(config, spark).run();
            }
        });
    }
}
