package org.imgpipe.jobs;

import org.imgpipe.base.ExitCodes;
import org.imgpipe.io.Locations;
import org.imgpipe.report.Fonts;
import org.imgpipe.workflow.EvaluateWorkflow;
import org.imgpipe.workflow.IngestWorkflow;
import org.imgpipe.workflow.ReportWorkflow;
import org.imgpipe.workflow.TrainWorkflow;

/**
 * Ingest, train, evaluate and report in one Spark application (what scripts/run-local.sh runs); the
 * last two lines are {@code report: <index.html>} and {@code metrics: <metrics.json>}.
 */
public final class PipelineJob {
    private PipelineJob() {
    }

    /**
     * Runs the pipeline job (ingest, train, evaluate, report): {@code [--config FILE] [-Dkey=value ...]}; exits with
     * ExitCodes.
     *
     * @param args the command-line arguments
     */
    public static void main(String[] args) {
        JobRunner.exitWithSpark("pipeline", args, run -> {
            Fonts.require();
            new IngestWorkflow(run).run();
            new EvaluateWorkflow(run).requireSplit();
            new TrainWorkflow(run).run();
            String metrics = Locations.display(new EvaluateWorkflow(run).run().metricsFile());
            run.console().line("report: " + Locations.display(new ReportWorkflow(run).run()));
            run.console().line("metrics: " + metrics);
            return ExitCodes.OK;
        });
    }
}
