package org.imgpipe.integration;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.sql.SparkSession;
import org.imgpipe.SparkTestSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pipeline on a real HDFS: a NameNode and two DataNodes in this JVM, on loopback ports. */
@Tag("integration")
class HdfsPipelineTest {
    @TempDir
    static Path tmp;
    private static MiniDFSCluster hdfs;

    @BeforeAll
    static void startHdfs() throws Exception {
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, tmp.resolve("hdfs").toString());
        hdfs = new MiniDFSCluster.Builder(conf).numDataNodes(2).build();
        hdfs.waitActive();
    }

    @AfterAll
    static void stopHdfs() {
        if (hdfs != null) {
            hdfs.shutdown();
        }
    }

    @Test
    void ingestTrainEvaluateEntirelyOnHdfs() throws Exception {
        SparkSession spark = SparkTestSession.get();
        String base = "hdfs://127.0.0.1:" + hdfs.getNameNodePort() + "/model-s";
        RemotePipelineRun run = RemotePipelineRun.run(base, Map.of("dfs.replication", "2"), spark);
        run.assertCompleteOn(base, spark.sparkContext().hadoopConfiguration());
        assertTrue(run.output.contains("Training on 320 images"), "the run's own output was captured");
    }
}
