package org.imgpipe.spark;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SparkSessionsTest {
    private static final int CORES = Runtime.getRuntime().availableProcessors();

    private static int threads(String master, String... settings) {
        SparkConf conf = new SparkConf(false).set("spark.master", master);
        for (int i = 0; i < settings.length; i += 2) {
            conf.set(settings[i], settings[i + 1]);
        }
        return SparkSessions.threadsPerTask(conf);
    }

    @Test
    void localTasksShareThisMachinesCores() {
        assertEquals(CORES, threads("local"));
        assertEquals(CORES, threads("local[1]"));
        assertEquals(Math.max(1, CORES / 2), threads("local[2]"));
        assertEquals(1, threads("local[*]"));
        assertEquals(Math.max(1, CORES / 4), threads("local[4,3]"));
    }

    @Test
    void trainingTasksShareTheLocalCoresAmongTheWorkersThatRunAtOnce() {
        SparkConf local2 = new SparkConf(false).set("spark.master", "local[2]");
        assertEquals(CORES, SparkSessions.threadsPerTask(local2, 1), "one worker gets every core");
        assertEquals(Math.max(1, CORES / 2), SparkSessions.threadsPerTask(local2, 2));
        assertEquals(Math.max(1, CORES / 2), SparkSessions.threadsPerTask(local2, 8),
                "no more tasks at once than local[2]'s slots");
        SparkConf cluster = new SparkConf(false).set("spark.master", "yarn").set("spark.task.cpus", "2");
        assertEquals(2, SparkSessions.threadsPerTask(cluster, 1), "on a cluster: spark.task.cpus");
    }

    @Test
    void sessionsWithoutSparkSubmitGetConfSparkDefaults() {
        java.util.Map<String, String> d = SparkSessions.projectDefaults();
        assertEquals("org.apache.spark.serializer.KryoSerializer", d.get("spark.serializer"));
        assertEquals("org.imgpipe.spark.BulkNdArrayKryoRegistrator", d.get("spark.kryo.registrator"));
        assertEquals("C.UTF-8", d.get("spark.executorEnv.LC_ALL"));
        for (String key : new String[]{"spark.executorEnv", "spark.yarn.appMasterEnv", "spark.kubernetes.driverEnv"}) {
            assertEquals("PASSIVE", d.get(key + ".OMP_WAIT_POLICY"), key);
        }
        for (String side : new String[]{"driver", "executor"}) {
            String opts = d.get("spark." + side + ".defaultJavaOptions");
            assertTrue(opts.startsWith("-XX:+IgnoreUnrecognizedVMOptions --add-opens=java.base/java.lang=ALL-UNNAMED "),
                    opts);
            assertTrue(opts.endsWith("-Dorg.deeplearning4j.spark.time.TimeSource="
                    + "org.deeplearning4j.spark.time.SystemClockTimeSource"), opts);
        }
    }

    @Test
    void localSessionsWriteLocalFilesWithoutForkingChmodUnlessTheUserChoseAFileSystem() {
        SparkConf local = new SparkConf(false).set("spark.master", "local[2]");
        SparkSessions.useNioLocalFileSystem(local);
        assertEquals("org.imgpipe.io.NioLocalFileSystem", local.get(SparkSessions.LOCAL_FILE_SYSTEM_KEY));
        SparkConf cluster = new SparkConf(false).set("spark.master", "spark://master:7077");
        SparkSessions.useNioLocalFileSystem(cluster);
        assertFalse(cluster.contains(SparkSessions.LOCAL_FILE_SYSTEM_KEY), "executors may not have the class yet");
        SparkConf chosen = new SparkConf(false).set("spark.master", "local[*]")
                .set(SparkSessions.LOCAL_FILE_SYSTEM_KEY, "org.apache.hadoop.fs.LocalFileSystem");
        SparkSessions.useNioLocalFileSystem(chosen);
        assertEquals("org.apache.hadoop.fs.LocalFileSystem", chosen.get(SparkSessions.LOCAL_FILE_SYSTEM_KEY));
    }

    @Test
    void clusterTasksUseTheCpusSparkGivesThem() {
        // Not the node's cores divided by this executor's: other executors share the node.
        assertEquals(1, threads("spark://127.0.0.1:7077", "spark.executor.cores", "4"));
        assertEquals(2, threads("yarn", "spark.executor.cores", "8", "spark.task.cpus", "2"));
        assertEquals(1, threads("k8s://https://api:6443"));
    }
}
