package org.imgpipe.jobs;

/**
 * A job's own command-line option, a shorthand for a config override: {@code --input DIR} is
 * {@code -Dpipeline.score.input=DIR}; a flag such as {@code --incremental} sets its key to true.
 */
public record JobOption(String name, String key, boolean takesValue) {
    /**
     * An option that takes a value, written {@code NAME VALUE} or {@code NAME=VALUE}.
     *
     * @param name the option as typed, e.g. {@code --input}
     * @param key the config key its value overrides, e.g. {@code pipeline.score.input}
     * @return the option
     */
    public static JobOption value(String name, String key) {
        return new JobOption(name, key, true);
    }

    /**
     * A flag without a value; giving it sets its config key to {@code true}.
     *
     * @param name the flag as typed, e.g. {@code --resume}
     * @param key the boolean config key it sets, e.g. {@code pipeline.train.resume}
     * @return the option
     */
    public static JobOption flag(String name, String key) {
        return new JobOption(name, key, false);
    }
}
