package org.imgpipe.jobs;

import org.imgpipe.cli.ExitCodes;
import org.imgpipe.cli.JobRunner;
import org.imgpipe.io.Locations;
import org.imgpipe.workflow.EvaluateWorkflow;
import org.imgpipe.workflow.IngestWorkflow;
import org.imgpipe.workflow.TrainWorkflow;

/** Ingest, train and evaluate in one Spark application (what scripts/run-local.sh runs). */
public final class PipelineJob {
    private PipelineJob() {
    }

    public static void main(String[] args) {
        JobRunner.exitWithSpark("pipeline", args, (config, spark) -> {
            new IngestWorkflow(config, spark).run();
            new TrainWorkflow(config, spark).run();
            System.out.println("metrics: " + Locations.display(new EvaluateWorkflow(config, spark).run().metricsFile()));
            return ExitCodes.OK;
        });
    }
}
