package org.imgpipe.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Model S in PyTorch on the CPU ({@code scripts/torch_model_s.py}), measured one repeat per Python
 * process: the process's start and PyTorch's import are outside the timed steps, which the script
 * clocks itself. The process inherits this JVM's environment except {@value #WAIT_POLICY_VARIABLE}: PyTorch
 * runs under OpenMP's default wait policy, its faster one.
 */
public final class Peer {
    /** The script's exit code when PyTorch cannot be imported. */
    static final int NO_TORCH = 3;
    private static final long TIMEOUT_MINUTES = 10;
    /** The environment variable of the OpenMP setting the peer runs without, whatever this JVM's holds. */
    static final String WAIT_POLICY_VARIABLE = "OMP_WAIT_POLICY";

    private final String python;
    private final Path script;
    private final int threads;

    /**
     * @param python  the Python 3 interpreter to run, e.g. {@code python3}
     * @param script  {@code scripts/torch_model_s.py}
     * @param threads intra-op threads, the project's ND4J thread count
     */
    public Peer(String python, Path script, int threads) {
        this.python = python;
        this.script = script;
        this.threads = threads;
    }

    /** Whether the peer can run, and if not why, in one line. */
    public record Availability(boolean available, String reason) {
    }

    /** @return whether the script exists and PyTorch imports, with the reason when not */
    public Availability check() {
        if (!Files.isRegularFile(script)) {
            return new Availability(false, script + " not found (run from the checkout's root)");
        }
        try {
            run("infer", 1, 0, 8);
            return new Availability(true, "");
        } catch (IOException e) {
            return new Availability(false, e.getMessage());
        }
    }

    /**
     * @param steps  timed training steps
     * @param warmup untimed steps before them
     * @param batch  images per step
     * @return training images/s
     * @throws IOException when the script fails
     */
    public double train(int steps, int warmup, int batch) throws IOException {
        return run("train", steps, warmup, batch);
    }

    /**
     * @param batches timed forward passes
     * @param warmup  untimed passes before them
     * @param batch   images per pass
     * @return inference images/s
     * @throws IOException when the script fails
     */
    public double infer(int batches, int warmup, int batch) throws IOException {
        return run("infer", batches, warmup, batch);
    }

    private double run(String figure, int steps, int warmup, int batch) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(python, script.toString(), figure, "--threads",
                Integer.toString(threads), "--steps", Integer.toString(steps), "--warmup", Integer.toString(warmup),
                "--batch", Integer.toString(batch)));
        // stderr to a file: a chatty child must not block on a full pipe while stdout is read.
        Path errors = Files.createTempFile("imgpipe-peer", ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(cmd).redirectError(errors.toFile());
            // PyTorch's steps are OpenMP regions back to back, which gain from OpenMP's default of spinning
            // between them: under the PASSIVE policy scripts/env.sh sets for the project's JVMs it trained
            // 7-11 % slower (README, "OpenMP's wait policy").
            builder.environment().remove(WAIT_POLICY_VARIABLE);
            Process p = builder.start();
            String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            try {
                if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    throw new IOException(String.join(" ", cmd) + " took over " + TIMEOUT_MINUTES + " minutes");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            String stderr = Files.readString(errors, StandardCharsets.UTF_8).trim();
            if (p.exitValue() != 0) {
                String last = stderr.isEmpty() ? "exit " + p.exitValue()
                        : stderr.substring(stderr.lastIndexOf('\n') + 1);
                throw new IOException(p.exitValue() == NO_TORCH ? last : String.join(" ", cmd) + ": " + last);
            }
            return rate(stdout, cmd);
        } finally {
            Files.deleteIfExists(errors);
        }
    }

    /** The images/s at the end of the script's one line, {@code <figure> <images/s>}. */
    private static double rate(String stdout, List<String> cmd) throws IOException {
        String[] words = stdout.split("\\s+");
        try {
            return Double.parseDouble(words[words.length - 1]);
        } catch (NumberFormatException e) {
            throw new IOException(String.join(" ", cmd) + " printed no rate: " + stdout, e);
        }
    }
}
