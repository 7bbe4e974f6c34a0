package org.imgpipe.jobs;

import org.apache.spark.sql.SparkSession;
import org.imgpipe.cli.JobRunner;
import org.imgpipe.spark.SparkSessions;
import org.imgpipe.workflow.EvaluateWorkflow;

/** spark-submit entry point: evaluate a saved model on one split and write metrics.json. */
public final class EvaluateJob {
    private EvaluateJob() {
    }

    public static void main(String[] args) {
        JobRunner.exit("evaluate", args, (config, a) -> {
            try (SparkSession spark = SparkSessions.create(config.spark())) {
                System.out.println("metrics: " + new EvaluateWorkflow(config, spark).run().metricsFile());
            }
        });
    }
}
