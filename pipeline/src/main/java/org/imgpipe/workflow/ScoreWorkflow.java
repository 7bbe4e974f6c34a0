package org.imgpipe.workflow;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.imgpipe.base.UserError;
import org.imgpipe.config.ScoreOptions;
import org.imgpipe.io.Locations;
import org.imgpipe.model.ModelStore;
import org.imgpipe.registry.ModelRegistry;
import org.imgpipe.registry.ModelVersion;
import org.imgpipe.score.BatchScorer;

import java.io.IOException;

/** Score: classify every image under the input with a registry version (the current one by default). */
public final class ScoreWorkflow {
    private final RunContext run;

    /**
     * @param run the run's context: configuration, session, Hadoop configuration, locations
     */
    public ScoreWorkflow(RunContext run) {
        this.run = run;
    }

    /**
     * Scores the images of {@code pipeline.score.input} with {@code pipeline.score.model-version} (the current
     * version when empty) and prints a one-line summary.
     *
     * @return the counts and the committed run folder
     * @throws UserError when the output folder is not writable, the registry has no current version and none is
     *     named, the version or its model cannot be found or read, or the input matches nothing
     * @throws IOException when the registry or the input cannot be read or the results cannot be written
     */
    public BatchScorer.Summary run() throws IOException {
        Configuration conf = run.hadoop();
        Workspace ws = run.workspace();
        ScoreOptions score = run.config().score();
        Path output = Locations.resolve(score.outputDir(), conf);
        Locations.requireWritable(output, "pipeline.score.output-dir", conf);
        ModelRegistry registry = new ModelRegistry(ws.registry(), conf);
        String id = score.modelVersion().isEmpty()
                ? registry.currentId().orElseThrow(() -> new UserError("the registry " + registry.root()
                + " has no current model: train one, or promote a version (models promote ID)"))
                : score.modelVersion();
        ModelVersion version = registry.version(id);
        BatchScorer.Summary s = new BatchScorer(run.spark(), score.batchSize(), score.partitions(),
                run.config().data().maxPixels(), run.console())
                .score(score.input(), output, version, ModelStore.load(registry.modelFile(id), conf),
                        score.incremental());
        run.console().format("Scored %,d images with model %s in %.1fs (%,d rejected, %,d already scored)", s.scored(),
                id, s.seconds(), s.rejected(), s.alreadyScored());
        return s;
    }
}
