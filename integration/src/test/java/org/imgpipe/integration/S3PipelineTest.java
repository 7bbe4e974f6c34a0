package org.imgpipe.integration;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.imgpipe.SparkTestSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pipeline on S3 through s3a:// (hadoop-aws) against S3Proxy on loopback, with the credentials
 * given in the pipeline config, which must appear in no output, log or written file.
 */
@Tag("integration")
class S3PipelineTest {
    private static final String BUCKET = "imgpipe";
    private static final String ACCESS_KEY = "AKIAIMGPIPETEST0001";
    private static final String SECRET_KEY = "s3cr3t-Vq8rT2xLm9Zp4Kw7";

    @TempDir
    static Path tmp;
    private static S3ProxyServer s3;

    @BeforeAll
    static void startS3() throws Exception {
        s3 = S3ProxyServer.start(tmp.resolve("s3"), BUCKET, ACCESS_KEY, SECRET_KEY);
    }

    @AfterAll
    static void stopS3() throws Exception {
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void ingestTrainEvaluateEntirelyOnS3WithoutPrintingTheSecret() throws Exception {
        SparkSession spark = SparkTestSession.get();
        String base = "s3a://" + BUCKET + "/model-s";
        Map<String, String> s3a = Map.of(
                "fs.s3a.endpoint", s3.endpoint(),
                "fs.s3a.endpoint.region", "us-east-1",
                "fs.s3a.path.style.access", "true",
                "fs.s3a.connection.ssl.enabled", "false",
                "fs.s3a.directory.marker.retention", "keep",
                "fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider",
                "fs.s3a.access.key", ACCESS_KEY,
                "fs.s3a.secret.key", SECRET_KEY);
        RemotePipelineRun run = RemotePipelineRun.run(base, s3a, spark);
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        run.assertCompleteOn(base, conf);

        assertTrue(run.output.contains("Training on 320 images"), "the run's own output was captured");
        for (String secret : List.of(SECRET_KEY, ACCESS_KEY)) {
            assertTrue(!run.output.contains(secret), "credential printed");
            assertEquals(List.of(), RemotePipelineRun.filesContaining(base, conf, secret));
        }
        // The registry keeps the run's config (in the version's version.json), credentials redacted.
        List<String> redacted = RemotePipelineRun.filesContaining(base + "/work/registry", conf, "*********(redacted)");
        assertEquals(1, redacted.size(), redacted.toString());
        assertTrue(redacted.get(0).endsWith("/version.json"), redacted.toString());
    }
}
