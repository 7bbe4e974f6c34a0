package org.imgpipe.workflow;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.imgpipe.config.EvalOptions;
import org.imgpipe.config.PipelineConfig;
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
    private final PipelineConfig config;
    private final SparkSession spark;

    public EvaluateWorkflow(PipelineConfig config, SparkSession spark) {
        this.config = config;
        this.spark = spark;
    }

    /** The metrics and where metrics.json was written. */
    public record Result(ClassificationMetrics metrics, Path metricsFile) {
    }

    public Result run() throws IOException {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Configuration conf = jsc.hadoopConfiguration();
        Workspace ws = Workspace.of(config, conf);
        EvalOptions eval = config.eval();
        Locations.requireWritable(ws.evalOutput(), "pipeline.eval.output-dir", conf);
        DecodedStore store = DecodedStore.open(spark, ws.decoded());
        ComputationGraph graph = ModelStore.load(ws.evalModel(), conf);
        EvalAccumulator acc = new DistributedEvaluator(jsc, store.manifest().imageSize(), eval.batchSize(),
                eval.rocThresholds()).evaluate(graph, store.fold(eval.split()), store.manifest().numClasses());
        ClassificationMetrics metrics = ClassificationMetrics.of(acc, store.manifest().classNames(),
                acc.meanCrossEntropy() + graph.calcRegularizationScore(true));
        MetricsReport report = new MetricsReport(metrics);
        Path file = report.write(new Path(ws.evalOutput(), eval.split()), conf, eval.split(), ws.evalModel().toString());
        System.out.printf("Evaluation of %s on '%s' (%,d images)%n", ws.evalModel(), eval.split(), metrics.count());
        System.out.print(report.table());
        return new Result(metrics, file);
    }
}
