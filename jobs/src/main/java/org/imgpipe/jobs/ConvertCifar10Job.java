package org.imgpipe.jobs;

import org.apache.hadoop.conf.Configuration;
import org.imgpipe.base.ExitCodes;
import org.imgpipe.base.UserError;
import org.imgpipe.data.Cifar10BinaryConverter;
import org.imgpipe.io.Locations;
import org.imgpipe.spark.SparkSessions;

/**
 * Converts the official CIFAR-10 binary batches into the fold layout:
 * {@code ConvertCifar10Job <folder with data_batch_*.bin> <output data root>}.
 */
public final class ConvertCifar10Job {
    private ConvertCifar10Job() {
    }

    /**
     * Runs the convert-cifar10 job: {@code BATCH_FOLDER OUTPUT_ROOT [--config FILE] [-Dkey=value ...]}; exits with
     * ExitCodes (a user error when the two folders are not given).
     *
     * @param args the command-line arguments
     */
    public static void main(String[] args) {
        JobRunner.exit("convert-cifar10", args, (config, a, console) -> {
            if (a.rest().size() != 2) {
                throw new UserError("usage: convert-cifar10 <folder with data_batch_1.bin ...> <output folder>");
            }
            Configuration conf = SparkSessions.hadoopConfiguration(config);
            console.line("Wrote images per fold: " + new Cifar10BinaryConverter().convert(
                    Locations.resolve(a.rest().get(0), conf), Locations.resolve(a.rest().get(1), conf), conf));
            return ExitCodes.OK;
        });
    }
}
