package org.imgpipe;

import org.apache.spark.sql.SparkSession;
import org.imgpipe.runtime.NativeRuntime;

/** One local[2] Spark session shared by every test in the JVM (starting one costs seconds). */
public final class SparkTestSession {
    private static SparkSession session;

    private SparkTestSession() {
    }

    public static synchronized SparkSession get() {
        if (session == null) {
            NativeRuntime.prepare();
            session = SparkSession.builder()
                    .master("local[2]")
                    .appName("imgpipe-tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "2")
                    .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                    .config("spark.kryo.registrator", "org.imgpipe.spark.BulkNdArrayKryoRegistrator")
                    // As SparkSessions sets in local mode: every test's Spark writes go through it.
                    .config("spark.hadoop.fs.file.impl", "org.imgpipe.io.NioLocalFileSystem")
                    .getOrCreate();
        }
        return session;
    }
}
