package org.imgpipe.config;

/** The Spark master to use when spark-submit has not set one, and the application name. */
public record SparkOptions(String master, String appName) {
    static SparkOptions from(Settings s) {
        return new SparkOptions(s.nonEmpty("master"), s.nonEmpty("app-name"));
    }
}
