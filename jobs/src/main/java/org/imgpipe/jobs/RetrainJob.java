package org.imgpipe.jobs;

import org.imgpipe.base.ExitCodes;
import org.imgpipe.workflow.RetrainWorkflow;

/**
 * spark-submit entry point for schedulers: ingest, train, evaluate and promote if not worse. Exit
 * codes: 0 promoted, 3 kept the current model, 4 another run holds the lock, 2 user error, 1 failure.
 */
public final class RetrainJob {
    private RetrainJob() {
    }

    /**
     * Runs the retrain job: {@code [--config FILE] [-Dkey=value ...]}; exits with ExitCodes ({@code OK} promoted,
     * {@code KEPT_CURRENT} not promoted, {@code LOCKED} skipped).
     *
     * @param args the command-line arguments
     */
    public static void main(String[] args) {
        JobRunner.exitWithSpark("retrain", args, run -> new RetrainWorkflow(run).run()
                .map(d -> d.promoted() ? ExitCodes.OK : ExitCodes.KEPT_CURRENT)
                .orElse(ExitCodes.LOCKED));
    }
}
