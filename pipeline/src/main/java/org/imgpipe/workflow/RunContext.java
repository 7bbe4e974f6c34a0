package org.imgpipe.workflow;

import org.imgpipe.base.Console;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.imgpipe.config.PipelineConfig;

/**
 * What the workflows of one run share, built once by the job runner and handed to each workflow:
 * the configuration, the Spark session, its Hadoop configuration with {@code pipeline.hadoop.*}
 * applied, and the run's locations resolved against it.
 *
 * @param config    the validated configuration
 * @param spark     the session every workflow of the run uses
 * @param hadoop    the session's Hadoop configuration, {@code pipeline.hadoop.*} applied
 * @param workspace the run's locations (work dir, decoded data, models, evaluation, registry, report)
 * @param console   where the run's progress and results are shown to its user
 */
public record RunContext(PipelineConfig config, SparkSession spark, Configuration hadoop, Workspace workspace,
                         Console console) {

    /**
     * Applies {@code pipeline.hadoop.*} to the session's Hadoop configuration (the only place that
     * does) and resolves the run's locations.
     *
     * @param config the validated configuration
     * @param spark   the run's session
     * @param console where the run's progress and results go
     * @return the context
     * @throws org.imgpipe.base.UserError when a location cannot be resolved (e.g. an unknown file system)
     */
    public static RunContext of(PipelineConfig config, SparkSession spark, Console console) {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        config.applyHadoopSettings(hadoop);
        return new RunContext(config, spark, hadoop, Workspace.of(config, hadoop), console);
    }

    /**
     * As {@link #of(PipelineConfig, SparkSession, Console)} on the JVM's standard streams.
     *
     * @param config the validated configuration
     * @param spark  the run's session
     * @return the context
     * @throws org.imgpipe.base.UserError when a location cannot be resolved (e.g. an unknown file system)
     */
    public static RunContext of(PipelineConfig config, SparkSession spark) {
        return of(config, spark, Console.system());
    }

    /** @return the Java view of the session's SparkContext */
    public JavaSparkContext jsc() {
        return JavaSparkContext.fromSparkContext(spark.sparkContext());
    }
}
