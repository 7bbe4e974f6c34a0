package org.imgpipe.jobs;

import org.apache.hadoop.conf.Configuration;
import org.imgpipe.base.ExitCodes;
import org.imgpipe.io.Locations;
import org.imgpipe.registry.ModelRegistry;
import org.imgpipe.registry.RegistryCommand;
import org.imgpipe.spark.SparkSessions;

/** The model registry commands: {@code models list | promote ID | rollback} (no Spark session). */
public final class ModelsJob {
    private ModelsJob() {
    }

    /**
     * Runs the models job: {@code list | promote ID | rollback [--config FILE] [-Dkey=value ...]}; exits with
     * ExitCodes (a user error for any other words).
     *
     * @param args the command-line arguments
     */
    public static void main(String[] args) {
        JobRunner.exit("models", args, (config, a, console) -> {
            Configuration conf = SparkSessions.hadoopConfiguration(config);
            new RegistryCommand(new ModelRegistry(Locations.resolve(config.registryDir(), conf), conf), console)
                    .run(a.rest());
            return ExitCodes.OK;
        });
    }
}
