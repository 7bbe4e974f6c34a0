package org.imgpipe.jobs;

import org.imgpipe.base.ExitCodes;
import org.imgpipe.workflow.IngestWorkflow;

/** spark-submit entry point: decode the image folds into the work area. */
public final class IngestJob {
    private IngestJob() {
    }

    /**
     * Runs the ingest job: {@code [--config FILE] [-Dkey=value ...]}; exits with ExitCodes.
     *
     * @param args the command-line arguments
     */
    public static void main(String[] args) {
        JobRunner.exitWithSpark("ingest", args, run -> {
            new IngestWorkflow(run).run();
            return ExitCodes.OK;
        });
    }
}
