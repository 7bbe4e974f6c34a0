package org.imgpipe.jobs;

import org.imgpipe.base.ExitCodes;
import org.imgpipe.workflow.TrainWorkflow;

import java.util.List;

/**
 * spark-submit entry point: train Model S on the ingested folds; {@code train --resume} goes on
 * from the last completed epoch's checkpoint.
 */
public final class TrainJob {
    static final List<JobOption> OPTIONS = List.of(JobOption.flag("--resume", "pipeline.train.resume"));

    private TrainJob() {
    }

    /**
     * Runs the train job: {@code [--resume] [--config FILE] [-Dkey=value ...]}; exits with ExitCodes.
     *
     * @param args the command-line arguments
     */
    public static void main(String[] args) {
        JobRunner.exitWithSpark("train", args, OPTIONS, run -> {
            new TrainWorkflow(run).run();
            return ExitCodes.OK;
        });
    }
}
