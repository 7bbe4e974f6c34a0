package org.imgpipe.jobs;

import org.imgpipe.base.UserError;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Command-line arguments common to all jobs: {@code --config FILE}, {@code -Dkey=value} overrides
 * and flags or positional words a job may use ({@code --resume}, a sub-command).
 */
public final class JobArgs {
    private final String configFile;
    private final Map<String, String> overrides;
    private final List<String> rest;

    private JobArgs(String configFile, Map<String, String> overrides, List<String> rest) {
        this.configFile = configFile;
        this.overrides = Collections.unmodifiableMap(overrides);
        this.rest = Collections.unmodifiableList(rest);
    }

    /**
     * Parses a job's arguments when it has no options of its own.
     *
     * @param argv the command-line arguments as {@code main} got them
     * @return the config file, overrides and remaining words
     * @throws UserError when {@code --config} has no file or a {@code -D} argument is not {@code -Dkey=value}
     */
    public static JobArgs parse(String... argv) {
        return parse(List.of(), argv);
    }

    /** Parses with a job's own options, which become config overrides. */
    public static JobArgs parse(List<JobOption> options, String... argv) {
        String configFile = null;
        Map<String, String> overrides = new LinkedHashMap<>();
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            JobOption option = find(options, a);
            if (option != null) {
                String value;
                if (!option.takesValue()) {
                    value = "true";
                } else if (a.startsWith(option.name() + "=")) {
                    value = a.substring(option.name().length() + 1);
                } else if (i + 1 < argv.length) {
                    value = argv[++i];
                } else {
                    throw new UserError(option.name() + " needs a value (it sets " + option.key() + ")");
                }
                overrides.put(option.key(), value);
            } else if (a.equals("--config")) {
                if (i + 1 >= argv.length) {
                    throw new UserError("--config needs a file: --config my.conf");
                }
                configFile = argv[++i];
            } else if (a.startsWith("--config=")) {
                configFile = a.substring("--config=".length());
            } else if (a.startsWith("-D")) {
                int eq = a.indexOf('=');
                if (eq < 3) {
                    throw new UserError("bad override '" + a + "': write -Dkey=value, e.g. -Dpipeline.train.epochs=3");
                }
                overrides.put(a.substring(2, eq), a.substring(eq + 1));
            } else {
                rest.add(a);
            }
        }
        return new JobArgs(configFile, overrides, rest);
    }

    private static JobOption find(List<JobOption> options, String arg) {
        for (JobOption o : options) {
            if (arg.equals(o.name()) || (o.takesValue() && arg.startsWith(o.name() + "="))) {
                return o;
            }
        }
        return null;
    }

    /** The user's HOCON file, or null. */
    public String configFile() {
        return configFile;
    }

    /**
     * The {@code -Dkey=value} overrides and the values of the job's own options, in the order first given (a
     * later value for the same key wins).
     *
     * @return an unmodifiable map from config key to its value as written
     */
    public Map<String, String> overrides() {
        return overrides;
    }

    /** Arguments that are neither {@code --config} nor {@code -D} overrides. */
    public List<String> rest() {
        return rest;
    }

    /**
     * Whether a word such as {@code --quick} was given; only looks at {@link #rest()}, not at job options.
     *
     * @param flag the exact word, dashes included
     * @return true when it is among the remaining arguments
     */
    public boolean hasFlag(String flag) {
        return rest.contains(flag);
    }
}
