package org.imgpipe.jobs;

/**
 * A job's own command-line option, a shorthand for a config override: {@code --input DIR} is
 * {@code -Dpipeline.score.input=DIR}; a flag such as {@code --incremental} sets its key to true.
 */
public record JobOption(String name, String key, boolean takesValue) {
    public static JobOption value(String name, String key) {
        return new JobOption(name, key, true);
    }

    public static JobOption flag(String name, String key) {
        return new JobOption(name, key, false);
    }
}
