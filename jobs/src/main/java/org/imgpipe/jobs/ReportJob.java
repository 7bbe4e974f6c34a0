package org.imgpipe.jobs;

import org.imgpipe.base.ExitCodes;
import org.imgpipe.io.Locations;
import org.imgpipe.workflow.ReportWorkflow;

/**
 * spark-submit entry point: draw the run's report (index.html, report.md and PNGs under
 * {@code pipeline.report.output-dir}) from whatever it has produced so far. Prints
 * {@code report: <path>} last.
 */
public final class ReportJob {
    private ReportJob() {
    }

    /** @param args {@code [--config FILE] [-Dkey=value ...]} */
    public static void main(String[] args) {
        JobRunner.exitWithSpark("report", args, run -> {
            run.console().line("report: " + Locations.display(new ReportWorkflow(run).run()));
            return ExitCodes.OK;
        });
    }
}
