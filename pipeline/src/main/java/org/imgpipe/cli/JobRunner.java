package org.imgpipe.cli;

import org.apache.spark.sql.SparkSession;
import org.imgpipe.config.PipelineConfig;
import org.imgpipe.spark.SparkSessions;
import org.imgpipe.runtime.NativeRuntime;

/**
 * Runs one job body with the parsed configuration and turns its outcome into an exit code: a
 * {@link UserError} is printed as one line, anything else with its stack trace.
 */
public final class JobRunner {
    /** The body of a job. */
    @FunctionalInterface
    public interface Job {
        void run(PipelineConfig config, JobArgs args) throws Exception;
    }

    private JobRunner() {
    }

    public static int run(String jobName, String[] argv, Job job) {
        try {
            NativeRuntime.prepare();
            JobArgs args = JobArgs.parse(argv);
            PipelineConfig config = PipelineConfig.load(args);
            job.run(config, args);
            return ExitCodes.OK;
        } catch (UserError e) {
            System.err.println(jobName + ": error: " + e.getMessage());
            return ExitCodes.USER_ERROR;
        } catch (Exception e) {
            System.err.println(jobName + ": failed: " + e);
            e.printStackTrace();
            return ExitCodes.FAILURE;
        }
    }

    /** The body of a job that runs in a Spark session. */
    @FunctionalInterface
    public interface SparkJob {
        void run(PipelineConfig config, SparkSession spark) throws Exception;
    }

    /** For {@code main}: runs the job and exits the JVM with its code (Spark threads may linger). */
    public static void exit(String jobName, String[] argv, Job job) {
        System.exit(run(jobName, argv, job));
    }

    /** For {@code main}: runs the job in a Spark session made from the config, then exits. */
    public static void exitWithSpark(String jobName, String[] argv, SparkJob job) {
        exit(jobName, argv, (config, args) -> {
            try (SparkSession spark = SparkSessions.create(config.spark())) {
                job.run(config, spark);
            }
        });
    }
}
