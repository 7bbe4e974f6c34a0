package org.imgpipe.jobs;

import org.imgpipe.cli.ExitCodes;
import org.imgpipe.cli.JobRunner;
import org.imgpipe.workflow.TrainWorkflow;

/** spark-submit entry point: train Model S on the ingested folds. */
public final class TrainJob {
    private TrainJob() {
    }

    public static void main(String[] args) {
        JobRunner.exitWithSpark("train", args, (config, spark) -> {
            new TrainWorkflow(config, spark).run();
            return ExitCodes.OK;
        });
    }
}
