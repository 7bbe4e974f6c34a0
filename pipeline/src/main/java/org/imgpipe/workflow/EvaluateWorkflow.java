package org.imgpipe.workflow;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.imgpipe.config.EvalOptions;
import org.imgpipe.data.DatasetManifest;
import org.imgpipe.data.DecodedStore;
import org.imgpipe.eval.ClassificationMetrics;
import org.imgpipe.eval.DistributedEvaluator;
import org.imgpipe.eval.EvalAccumulator;
import org.imgpipe.eval.MetricsReport;
import org.imgpipe.io.Locations;
import org.imgpipe.model.ModelStore;

import java.io.IOException;

/**
 * Evaluate: load a saved model, evaluate it on one decoded split on the executors and write
 * metrics.json, the confusion matrix and the ROC points under the evaluation folder of that split.
 */
public final class EvaluateWorkflow {
    private final RunContext run;

    /**
     * @param run the run's context: configuration, session, Hadoop configuration, locations
     */
    public EvaluateWorkflow(RunContext run) {
        this.run = run;
    }

    /** The metrics and where metrics.json was written. */
    public record Result(ClassificationMetrics metrics, Path metricsFile) {
    }

    /**
     * Checks, before any work, that pipeline.eval.split has ingested images.
     *
     * @throws UserError naming the split when it has none
     */
    public void requireSplit() {
        DatasetManifest.read(run.workspace().decoded(), run.hadoop())
                .requireImages(run.config().eval().split(), "pipeline.eval.split");
    }

    /** Evaluates pipeline.eval.model on pipeline.eval.split. */
    public Result run() throws IOException {
        Workspace ws = run.workspace();
        return evaluate(ws.evalModel(), new Path(ws.evalOutput(), run.config().eval().split()));
    }

    /** Evaluates a model file on pipeline.eval.split and writes the reports into outputDir. */
    public Result evaluate(Path modelFile, Path outputDir) throws IOException {
        JavaSparkContext jsc = run.jsc();
        Configuration conf = run.hadoop();
        Workspace ws = run.workspace();
        EvalOptions eval = run.config().eval();
        Locations.requireWritable(outputDir, "pipeline.eval.output-dir", conf);
        DecodedStore store = DecodedStore.open(run.spark(), ws.decoded());
        store.manifest().requireImages(eval.split(), "pipeline.eval.split");
        ComputationGraph graph = ModelStore.load(modelFile, conf);
        String phase = "evaluate " + eval.split();
        EvalAccumulator acc = new DistributedEvaluator(jsc, store.manifest().imageSize(), eval.batchSize(),
                eval.rocThresholds(), run.console()).evaluate(graph, store.fold(eval.split()), store.manifest().numClasses(), phase,
                store.manifest().count(eval.split()));
        ClassificationMetrics metrics = ClassificationMetrics.of(acc, store.manifest().classNames(),
                acc.meanCrossEntropy() + graph.calcRegularizationScore(true));
        MetricsReport report = new MetricsReport(metrics, acc.mistakes());
        Path file = report.write(outputDir, conf, eval.split(), modelFile.toString());
        run.console().format("Evaluation of %s on '%s' (%,d images)", modelFile, eval.split(), metrics.count());
        run.console().line(report.table().stripTrailing());
        return new Result(metrics, file);
    }
}
