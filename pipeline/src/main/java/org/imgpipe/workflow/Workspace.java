package org.imgpipe.workflow;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.imgpipe.config.PipelineConfig;
import org.imgpipe.io.Locations;

/**
 * The resolved locations a run reads and writes, as fully qualified Hadoop paths.
 *
 * @param workDir       pipeline.work.dir
 * @param sampleData    where the embedded sample data is generated
 * @param decoded       the decoded folds (pipeline.ingest.output-dir)
 * @param ingestReports the ingest report folder
 * @param models        the model folder (pipeline.train.model-dir)
 * @param evalOutput    the evaluation folder, one sub-folder per split
 * @param evalModel     the model to evaluate (pipeline.eval.model)
 * @param registry      the model registry
 * @param report        the report folder (pipeline.report.output-dir)
 */
public record Workspace(Path workDir, Path sampleData, Path decoded, Path ingestReports, Path models,
                        Path evalOutput, Path evalModel, Path registry, Path report) {

    /**
     * Resolves the config's locations against a Hadoop configuration that already holds the config's
     * {@code pipeline.hadoop} settings (they may set fs.defaultFS); {@link RunContext#of} applies them.
     */
    public static Workspace of(PipelineConfig config, Configuration conf) {
        Path work = Locations.resolve(config.workDir(), conf);
        return new Workspace(work, new Path(work, "sample-data"),
                Locations.resolve(config.ingest().outputDir(), conf),
                Locations.resolve(config.ingest().reportDir(), conf),
                Locations.resolve(config.train().modelDir(), conf),
                Locations.resolve(config.eval().outputDir(), conf),
                Locations.resolve(config.eval().model(), conf),
                Locations.resolve(config.registryDir(), conf),
                Locations.resolve(config.report().outputDir(), conf));
    }

    /** @return {@code best.zip} in the model folder: the lowest-val_loss epoch's model, with its updater state */
    public Path bestModel() {
        return new Path(models, "best.zip");
    }

    /** The last epoch's model and training state, for train --resume. */
    public Path checkpoint() {
        return new Path(models, "checkpoint.zip");
    }

    /** The environment and settings the training recorded when it (last) started. */
    public Path runRecord() {
        return new Path(models, RunRecord.FILE);
    }

    /** @return {@code final.zip} in the model folder: the last trained epoch's model, with its updater state */
    public Path finalModel() {
        return new Path(models, "final.zip");
    }
}
