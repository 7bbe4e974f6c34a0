package org.imgpipe.jobs;

import org.imgpipe.base.ExitCodes;
import org.imgpipe.io.Locations;
import org.imgpipe.workflow.EvaluateWorkflow;

/** spark-submit entry point: evaluate a saved model on one split and write metrics.json. */
public final class EvaluateJob {
    private EvaluateJob() {
    }

    /**
     * Runs the evaluate job: {@code [--config FILE] [-Dkey=value ...]}; prints {@code metrics: <path>} and exits
     * with ExitCodes.
     *
     * @param args the command-line arguments
     */
    public static void main(String[] args) {
        JobRunner.exitWithSpark("evaluate", args, run -> {
            run.console().line("metrics: " + Locations.display(new EvaluateWorkflow(run).run().metricsFile()));
            return ExitCodes.OK;
        });
    }
}
