package org.imgpipe.jobs;

import org.imgpipe.bench.Benchmark;
import org.imgpipe.base.ExitCodes;

/** The throughput benchmark behind scripts/bench.sh ({@code --quick} for a short run). */
public final class BenchJob {
    private BenchJob() {
    }

    public static void main(String[] args) {
        JobRunner.exit("bench", args, (config, a) -> {
            new Benchmark(a.hasFlag("--quick"), System.out).run();
            return ExitCodes.OK;
        });
    }
}
