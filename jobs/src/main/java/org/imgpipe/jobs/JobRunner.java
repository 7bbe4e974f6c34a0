package org.imgpipe.jobs;

import org.imgpipe.base.Console;
import org.imgpipe.base.ExitCodes;
import org.imgpipe.base.UserError;
import org.apache.spark.sql.SparkSession;
import org.imgpipe.config.PipelineConfig;
import org.imgpipe.io.FileNameEncoding;
import org.imgpipe.runtime.NativeRuntime;
import org.imgpipe.spark.SparkSessions;
import org.imgpipe.workflow.RunContext;

import java.util.List;

/**
 * Runs one job body with the parsed configuration and turns its outcome into an exit code: the
 * body's own code when it returns, {@link ExitCodes#USER_ERROR} for a {@link UserError} (printed as
 * one line), {@link ExitCodes#FAILURE} for anything else (with its stack trace).
 */
public final class JobRunner {
    /** The body of a job; returns its exit code. */
    @FunctionalInterface
    public interface Job {
        /**
         * @param config  the loaded configuration, the job's options applied
         * @param args    the parsed command line (flags and positional arguments)
         * @param console where the job shows its results
         * @return the exit code ({@link ExitCodes})
         * @throws Exception any failure; a {@link UserError} becomes one error line
         */
        int run(PipelineConfig config, JobArgs args, Console console) throws Exception;
    }

    /** The body of a job that runs in a Spark session; returns its exit code. */
    @FunctionalInterface
    public interface SparkJob {
        int run(RunContext run) throws Exception;
    }

    private JobRunner() {
    }

    /**
     * Checks the JVM's file-name charset, prepares ND4J ({@code NativeRuntime.prepare()}), parses the arguments,
     * loads the config and runs the job; catches every exception, so {@code main} can exit with the result.
     *
     * @param jobName the job's name, prefixed to the error line
     * @param argv the command-line arguments
     * @param options the job's own options, which become config overrides
     * @param job the job body
     * @return the body's exit code, {@code ExitCodes.USER_ERROR} for a {@code UserError} (bad locale, arguments
     *     or config included) or {@code ExitCodes.FAILURE} for any other exception
     */
    public static int run(String jobName, String[] argv, List<JobOption> options, Job job) {
        return run(jobName, argv, options, job, Console.system());
    }

    /**
     * As {@link #run(String, String[], List, Job)}, showing results and errors on the given console.
     *
     * @param jobName the job's name, prefixed to the error line
     * @param argv    the command-line arguments
     * @param options the job's own options, which become config overrides
     * @param job     the job body
     * @param console where the job's results and its error line go
     * @return as {@link #run(String, String[], List, Job)}
     */
    public static int run(String jobName, String[] argv, List<JobOption> options, Job job, Console console) {
        try {
            FileNameEncoding.requireUtf8();
            NativeRuntime.prepare();
            JobArgs args = JobArgs.parse(options, argv);
            return job.run(PipelineConfig.load(args.configFile(), args.overrides()), args, console);
        } catch (UserError e) {
            console.error(jobName + ": error: " + e.getMessage());
            return ExitCodes.USER_ERROR;
        } catch (Exception e) {
            console.error(jobName + ": failed: " + e);
            console.stackTrace(e);
            return ExitCodes.FAILURE;
        }
    }

    /** For {@code main}: runs the job and exits the JVM with its code (Spark threads may linger). */
    public static void exit(String jobName, String[] argv, Job job) {
        System.exit(run(jobName, argv, List.of(), job));
    }

    /** For {@code main}: runs the job in a Spark session made from the config, then exits. */
    public static void exitWithSpark(String jobName, String[] argv, SparkJob job) {
        exitWithSpark(jobName, argv, List.of(), job);
    }

    /** As {@link #exitWithSpark(String, String[], SparkJob)}, with the job's own options. */
    public static void exitWithSpark(String jobName, String[] argv, List<JobOption> options, SparkJob job) {
        System.exit(run(jobName, argv, options, (config, args, console) -> {
            try (SparkSession spark = SparkSessions.create(config.spark())) {
                return job.run(RunContext.of(config, spark, console));
            }
        }));
    }
}
