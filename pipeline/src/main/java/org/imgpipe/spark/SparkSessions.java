package org.imgpipe.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.imgpipe.config.SparkOptions;

/**
 * Creates the session every job runs in. Settings given by spark-submit (--master, --conf) win; the
 * pipeline's config only fills in what is missing.
 */
public final class SparkSessions {
    private SparkSessions() {
    }

    public static SparkSession create(SparkOptions options) {
        SparkConf conf = new SparkConf();
        conf.setIfMissing("spark.master", options.master());
        conf.setIfMissing("spark.app.name", options.appName());
        conf.setIfMissing("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
        conf.setIfMissing("spark.kryo.registrator", "org.nd4j.kryo.Nd4jRegistrator");
        conf.setIfMissing("spark.ui.showConsoleProgress", "false");
        // dl4j-spark's training statistics would otherwise ask an NTP server for the time.
        System.setProperty("org.deeplearning4j.spark.time.TimeSource",
                System.getProperty("org.deeplearning4j.spark.time.TimeSource",
                        "org.deeplearning4j.spark.time.SystemClockTimeSource"));
        return SparkSession.builder().config(conf).getOrCreate();
    }
}
