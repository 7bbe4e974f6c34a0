package org.imgpipe.workflow;

import org.imgpipe.base.Console;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.imgpipe.config.DataOptions;
import org.imgpipe.data.DatasetLayout;
import org.imgpipe.data.IngestReport;
import org.imgpipe.data.Ingestor;
import org.imgpipe.data.SampleDataGenerator;
import org.imgpipe.io.Locations;

import java.io.IOException;

/**
 * Ingest: find the image folders (making the sample data when no data root is set), decode them on
 * the executors into the work area, and print and save the per-split class counts.
 */
public final class IngestWorkflow {
    private final RunContext run;

    /**
     * @param run the run's context: configuration, session, Hadoop configuration, locations
     */
    public IngestWorkflow(RunContext run) {
        this.run = run;
    }

    /**
     * Ingests the configured folds (generating the sample data first when {@code pipeline.data.root} is empty and
     * it does not exist yet), writes the report and prints the class counts and up to 20 skipped files.
     *
     * @return the counts per fold and class and the skipped files
     * @throws org.imgpipe.base.UserError when an output folder is not writable or the data root, its folds or
     *     their class folders are missing or inconsistent
     * @throws IOException when the file system cannot be listed, read or written
     */
    public IngestReport run() throws IOException {
        Configuration conf = run.hadoop();
        Workspace ws = run.workspace();
        DataOptions data = run.config().data();
        Locations.requireWritable(ws.decoded().getParent(), "pipeline.ingest.output-dir", conf);
        Locations.requireWritable(ws.ingestReports(), "pipeline.ingest.report-dir", conf);
        Path root = data.usesSampleData() ? sampleData(ws, data, conf) : Locations.resolve(data.root(), conf);
        DatasetLayout layout = DatasetLayout.scan(root, data.allFolds(), conf);
        IngestReport report = new Ingestor(run.spark(), data.imageSize(), run.config().ingest().partitions(),
                data.maxPixels(), run.console()).ingest(layout, ws.decoded());
        report.write(ws.ingestReports(), conf);
        Console console = run.console();
        console.format("Ingested %,d images of %d classes from %s in %.1fs into %s", report.decoded(),
                layout.classNames().size(), root, report.seconds(), ws.decoded());
        console.line("Count Images in Categories\n" + report.table().stripTrailing());
        if (!report.skipped().isEmpty()) {
            console.format("Skipped %d files (listed in %s):", report.skipped().size(),
                    new Path(ws.ingestReports(), IngestReport.JSON_FILE));
            report.skipped().stream().limit(20).forEach(s -> console.line("  " + s.path() + ": " + s.reason()));
        }
        return report;
    }

    private Path sampleData(Workspace ws, DataOptions data, Configuration conf) throws IOException {
        Path dir = ws.sampleData();
        if (!dir.getFileSystem(conf).exists(dir)) {
            long n = new SampleDataGenerator(data.imageSize(), data.sampleImagesPerClass(), data.sampleSeed())
                    .generate(dir, data.allFolds(), conf);
            run.console().format("No data root set (pipeline.data.root): generated %,d sample images in %s", n, dir);
        } else {
            run.console().line("No data root set (pipeline.data.root): using the sample data in " + dir);
        }
        return dir;
    }
}
