package org.imgpipe.workflow;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.imgpipe.config.PipelineConfig;
import org.imgpipe.io.Locations;

/** The resolved locations a run reads and writes. */
public record Workspace(Path workDir, Path sampleData, Path decoded, Path ingestReports, Path models,
                        Path evalOutput, Path evalModel, Path registry) {

    public static Workspace of(PipelineConfig config, Configuration conf) {
        Path work = Locations.resolve(config.workDir(), conf);
        return new Workspace(work, new Path(work, "sample-data"),
                Locations.resolve(config.ingest().outputDir(), conf),
                Locations.resolve(config.ingest().reportDir(), conf),
                Locations.resolve(config.train().modelDir(), conf),
                Locations.resolve(config.eval().outputDir(), conf),
                Locations.resolve(config.eval().model(), conf),
                Locations.resolve(config.registryDir(), conf));
    }

    public Path bestModel() {
        return new Path(models, "best.zip");
    }

    public Path finalModel() {
        return new Path(models, "final.zip");
    }
}
