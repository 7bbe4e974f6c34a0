package org.imgpipe.spark;

import org.apache.spark.SparkContext;

/**
 * Names the Spark jobs that the calling driver thread starts from now on, as job group and
 * description ({@code ingest}, {@code epoch 7/40 fit}, {@code evaluate test}, ...), so that the Spark
 * UI's job list reads like the console.
 */
public final class JobPhase {
    private JobPhase() {
    }

    /**
     * @param sc    the driver's context
     * @param phase the phase's name, shown as the group id and the description of its jobs
     */
    public static void set(SparkContext sc, String phase) {
        sc.setJobGroup(phase, phase, false);
    }
}
