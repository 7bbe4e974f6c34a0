package org.imgpipe.jobs;

import org.apache.hadoop.fs.Path;
import org.imgpipe.base.ExitCodes;
import org.imgpipe.io.Locations;
import org.imgpipe.workflow.ScoreWorkflow;

import java.util.List;

/**
 * spark-submit entry point: score new images with a registry model version,
 * {@code score --input DIR_OR_GLOB --output DIR [--model-version ID] [--incremental]}.
 */
public final class ScoreJob {
    static final List<JobOption> OPTIONS = List.of(
            JobOption.value("--input", "pipeline.score.input"),
            JobOption.value("--output", "pipeline.score.output-dir"),
            JobOption.value("--model-version", "pipeline.score.model-version"),
            JobOption.flag("--incremental", "pipeline.score.incremental"));

    private ScoreJob() {
    }

    /**
     * Runs the score job: {@code --input DIR_OR_GLOB --output DIR [--model-version ID] [--incremental]
     * [--config FILE] [-Dkey=value ...]}; prints {@code results: <run folder>} and exits with ExitCodes.
     *
     * @param args the command-line arguments
     */
    public static void main(String[] args) {
        JobRunner.exitWithSpark("score", args, OPTIONS, run -> {
            run.console().line("results: " + Locations.display(
                    new Path(new ScoreWorkflow(run).run().runDir())));
            return ExitCodes.OK;
        });
    }
}
