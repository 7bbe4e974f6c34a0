package org.imgpipe.bench;

import org.imgpipe.base.ExitCodes;
import org.imgpipe.jobs.JobRunner;

import java.nio.file.Path;

/**
 * The throughput benchmark behind scripts/bench.sh (a development tool, kept out of the jobs' jar): {@code --quick} for a short run, {@code --peer}
 * to measure Model S in PyTorch in turns with the project ({@code $PYTHON}, default python3).
 */
public final class BenchJob {
    private BenchJob() {
    }

    /**
     * Runs the bench job: {@code [--quick] [--peer] [--config FILE] [-Dkey=value ...]}; exits with ExitCodes.
     *
     * @param args the command-line arguments
     */
    public static void main(String[] args) {
        JobRunner.exit("bench", args, (config, a, console) -> {
            Peer peer = a.hasFlag("--peer") ? new Peer(System.getenv().getOrDefault("PYTHON", "python3"),
                    Path.of("scripts", "torch_model_s.py"), Runtime.getRuntime().availableProcessors()) : null;
            new Benchmark(a.hasFlag("--quick"), peer, console).run();
            return ExitCodes.OK;
        });
    }
}
