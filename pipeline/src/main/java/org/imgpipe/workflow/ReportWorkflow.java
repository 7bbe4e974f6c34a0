package org.imgpipe.workflow;

import org.imgpipe.io.StagedFolder;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.imgpipe.config.DataOptions;
import org.imgpipe.data.DatasetManifest;
import org.imgpipe.data.DecodedStore;
import org.imgpipe.data.IngestReport;
import org.imgpipe.eval.MetricsReport;
import org.imgpipe.io.AtomicFiles;
import org.imgpipe.io.JsonFiles;
import org.imgpipe.io.Locations;
import org.imgpipe.model.ModelS;
import org.imgpipe.model.ModelStore;
import org.imgpipe.model.ModelSummary;
import org.imgpipe.report.Fonts;
import org.imgpipe.report.HtmlReportWriter;
import org.imgpipe.report.MarkdownReportWriter;
import org.imgpipe.report.ReferenceRun;
import org.imgpipe.report.ReportBuilder;
import org.imgpipe.report.ReportDocument;
import org.imgpipe.report.RunOutputs;
import org.imgpipe.spark.JobPhase;
import org.imgpipe.base.EpochResult;
import org.imgpipe.train.TrainingHistory;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Report: reads what the run has produced so far (ingest report, decoded data, model, history,
 * evaluation of {@code pipeline.eval.split}, the training's run record) and writes the report folder
 * {@code pipeline.report.output-dir}: {@value #HTML_FILE} (self-contained), {@value #MARKDOWN_FILE} and
 * the PNGs it links. The folder is written aside and renamed into place, so a failed report never
 * replaces a good one with half of a new one.
 */
public final class ReportWorkflow {
    /** The self-contained page, inside the report folder. */
    public static final String HTML_FILE = "index.html";
    /** The Markdown report, beside its PNGs. */
    public static final String MARKDOWN_FILE = "report.md";

    private final RunContext run;

    /**
     * @param run the run's context: configuration, session, Hadoop configuration, locations
     */
    public ReportWorkflow(RunContext run) {
        this.run = run;
    }

    /**
     * Draws and writes the report.
     *
     * @return the path of index.html
     * @throws IOException when an output exists but cannot be read, or the report cannot be written
     */
    public Path run() throws IOException {
        Configuration conf = run.hadoop();
        Workspace ws = run.workspace();
        Locations.requireWritable(ws.report(), "pipeline.report.output-dir", conf);
        Fonts.require();
        JobPhase.set(run.spark().sparkContext(), "report");
        ReportDocument doc = new ReportBuilder(ReferenceRun.load()).build(outputs(ws, conf));
        try (StagedFolder staged = StagedFolder.of(ws.report(), conf)) {
            Path staging = staged.path();
            AtomicFiles.writeString(new Path(staging, HTML_FILE), conf, HtmlReportWriter.render(doc));
            AtomicFiles.writeString(new Path(staging, MARKDOWN_FILE), conf, MarkdownReportWriter.render(doc));
            for (ReportDocument.Section s : doc.sections()) {
                for (ReportDocument.Block b : s.blocks()) {
                    if (b instanceof ReportDocument.Figure f) {
                        AtomicFiles.write(new Path(staging, f.fileName()), conf, out -> out.write(f.png()));
                    }
                }
            }
            staged.commit();
        }
        Path html = new Path(ws.report(), HTML_FILE);
        run.console().format("Report with %d sections: %s", doc.sections().size(), Locations.display(html));
        return html;
    }

    private RunOutputs outputs(Workspace ws, Configuration conf) throws IOException {
        DataOptions data = run.config().data();
        FileSystem fs = ws.workDir().getFileSystem(conf);
        Optional<IngestReport> ingest = JsonFiles.readIfExists(new Path(ws.ingestReports(), IngestReport.JSON_FILE),
                conf, IngestReport.class);
        List<EpochResult> history = JsonFiles.readIfExists(new Path(ws.models(), TrainingHistory.JSON_FILE), conf,
                EpochResult[].class).map(List::of).orElse(List.of());
        Optional<DatasetManifest> manifest = fs.exists(new Path(ws.decoded(), DatasetManifest.FILE))
                ? Optional.of(DatasetManifest.read(ws.decoded(), conf)) : Optional.empty();
        List<String> classNames = manifest.map(DatasetManifest::classNames)
                .or(() -> ingest.map(IngestReport::classNames)).orElse(List.of());
        String sampleFold = data.trainFolds().get(0);
        int perClass = run.config().report().samplesPerClass();
        Optional<RunOutputs.Samples> samples = manifest.filter(m -> m.count(sampleFold) > 0)
                .map(m -> new RunOutputs.Samples(sampleFold, m.imageSize(), perClass,
                        DecodedStore.open(run.spark(), ws.decoded()).firstPerClass(sampleFold, perClass)));
        long trainImages = manifest.map(m -> data.trainFolds().stream().mapToLong(m::count).sum()).orElse(0L);
        long validationImages = manifest.map(m -> m.count(data.validationFold())).orElse(0L);
        String split = run.config().eval().split();
        return new RunOutputs(Locations.display(ws.workDir()), classNames, ingest, samples,
                run.config().train().augment(),
                modelSummary(ws, fs, conf, manifest), history, trainImages, validationImages,
                Optional.ofNullable(MetricsReport.read(new Path(ws.evalOutput(), split), conf)), split,
                RunRecord.read(ws.runRecord(), conf), RunRecord.capture(run.config(), run.spark().sparkContext()));
    }

    /** The trained model's summary, else the summary of the model training would build, else none. */
    private Optional<String> modelSummary(Workspace ws, FileSystem fs, Configuration conf,
                                          Optional<DatasetManifest> manifest) throws IOException {
        int size = run.config().data().imageSize();
        for (Path model : List.of(ws.bestModel(), ws.finalModel())) {
            if (fs.exists(model)) {
                return Optional.of(ModelSummary.of(ModelStore.load(model, conf), ModelS.inputType(size)).toString());
            }
        }
        return manifest.map(m -> ModelSummary.of(ModelS.build(ModelS.Spec.of(run.config(), m.numClasses())),
                ModelS.inputType(size)).toString());
    }

}
