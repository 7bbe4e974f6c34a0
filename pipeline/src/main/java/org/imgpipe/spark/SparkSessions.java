package org.imgpipe.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.deploy.SparkHadoopUtil;
import org.apache.spark.sql.SparkSession;
import org.imgpipe.config.PipelineConfig;
import org.imgpipe.config.SparkOptions;
import org.imgpipe.io.NioLocalFileSystem;
import org.imgpipe.runtime.NativeRuntime;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Creates the session every job runs in. Settings given by spark-submit (--master, --conf) win; the
 * pipeline's config only fills in what is missing.
 */
public final class SparkSessions {
    static final String DEFAULTS_RESOURCE = "imgpipe/spark-defaults.conf";
    private static final Pattern LOCAL = Pattern.compile("local(?:\\[(\\*|\\d+)(?:,\\d+)?])?");

    static final String LOCAL_FILE_SYSTEM_KEY = "spark.hadoop.fs.file.impl";

    private SparkSessions() {
    }

    /**
     * Prepares ND4J, then gets or creates the session with Kryo ({@link BulkNdArrayKryoRegistrator}), the
     * executors' ND4J options and the config's master and application name where spark-submit set none, in
     * local mode {@link NioLocalFileSystem} for {@code file:} URIs unless {@code spark.hadoop.fs.file.impl} is set, and
     * sets the driver's ND4J threads (a task's share of the cores in local mode, all cores on a cluster).
     *
     * @param options {@code pipeline.spark}: master and application name
     * @return the session (an existing one when this JVM already has one)
     */
    public static SparkSession create(SparkOptions options) {
        NativeRuntime.prepare();
        SparkConf conf = new SparkConf();
        conf.setIfMissing("spark.master", options.master());
        conf.setIfMissing("spark.app.name", options.appName());
        projectDefaults().forEach(conf::setIfMissing);
        useNioLocalFileSystem(conf);
        String executorOpts = conf.get("spark.executor.extraJavaOptions", "");
        if (!executorOpts.contains(NativeRuntime.HELPERS_PROPERTY)) {
            conf.set("spark.executor.extraJavaOptions", (executorOpts + " " + NativeRuntime.executorJavaOptions()).trim());
        }
        // dl4j-spark's training statistics would otherwise ask an NTP server for the time.
        System.setProperty("org.deeplearning4j.spark.time.TimeSource",
                System.getProperty("org.deeplearning4j.spark.time.TimeSource",
                        "org.deeplearning4j.spark.time.SystemClockTimeSource"));
        SparkSession session = SparkSession.builder().config(conf).getOrCreate();
        SparkConf effective = session.sparkContext().getConf();
        // A driver of a cluster job trains nothing itself: all its cores are its own.
        NativeRuntime.useThreads(isLocal(effective) ? threadsPerTask(effective)
                : Runtime.getRuntime().availableProcessors());
        return session;
    }

    /**
     * conf/spark-defaults.conf as packaged in the library: the settings spark-submit gets from
     * scripts/submit.sh, for sessions started without it (local runs, tests).
     *
     * @return key to value
     * @throws IllegalStateException when the resource is missing from the jar (a broken build)
     */
    static Map<String, String> projectDefaults() {
        Properties p = new Properties();
        try (InputStream in = SparkSessions.class.getClassLoader().getResourceAsStream(DEFAULTS_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(DEFAULTS_RESOURCE + " is missing from the classpath");
            }
            p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> out = new TreeMap<>();
        p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k).trim()));
        return out;
    }

    /**
     * The Hadoop configuration for a job that needs no Spark context (the registry commands): Hadoop's
     * defaults, the spark.hadoop.* settings spark-submit passes as system properties, then the
     * config's pipeline.hadoop settings.
     */
    public static Configuration hadoopConfiguration(PipelineConfig config) {
        Configuration conf = SparkHadoopUtil.get().newConfiguration(new SparkConf());
        config.applyHadoopSettings(conf);
        return conf;
    }

    /**
     * The ND4J threads each task may use when every task slot is busy: in local[N] the N tasks share
     * this machine's cores; on a cluster a task owns spark.task.cpus of its executor's cores (the node's
     * core count is shared with other executors and must not be divided by this executor's tasks alone).
     */
    public static int threadsPerTask(SparkConf conf) {
        return threadsPerTask(conf, Integer.MAX_VALUE);
    }

    /**
     * The ND4J threads of each task when at most {@code concurrentTasks} tasks run at once (training
     * workers): in local[N] the machine's cores shared by min(concurrentTasks, N) tasks, so a single
     * worker gets them all; on a cluster spark.task.cpus.
     *
     * @param conf            the session's configuration
     * @param concurrentTasks the tasks that run at once, at least 1
     * @return threads per task, at least 1
     */
    public static int threadsPerTask(SparkConf conf, int concurrentTasks) {
        Matcher m = LOCAL.matcher(conf.get("spark.master", "local[*]"));
        if (!m.matches()) {
            return conf.getInt("spark.task.cpus", 1);
        }
        int cores = Runtime.getRuntime().availableProcessors();
        String n = m.group(1);
        int slots = n == null ? 1 : n.equals("*") ? cores : Integer.parseInt(n);
        return NativeRuntime.threadsPerTask(cores, Math.min(concurrentTasks, slots));
    }

    /**
     * In local mode, {@link NioLocalFileSystem} for {@code file:} URIs unless the user chose a class: no chmod
     * process per file Spark writes. Only there, where the driver is the one JVM and has the class; a cluster's
     * executors build their Hadoop configuration before the application's jar is on their class path.
     *
     * @param conf the session's configuration, changed in place
     */
    static void useNioLocalFileSystem(SparkConf conf) {
        if (isLocal(conf)) {
            conf.setIfMissing(LOCAL_FILE_SYSTEM_KEY, NioLocalFileSystem.class.getName());
        }
    }

    private static boolean isLocal(SparkConf conf) {
        return LOCAL.matcher(conf.get("spark.master", "local[*]")).matches();
    }
}
