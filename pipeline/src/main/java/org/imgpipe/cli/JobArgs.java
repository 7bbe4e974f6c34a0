package org.imgpipe.cli;

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

    public static JobArgs parse(String... argv) {
        String configFile = null;
        Map<String, String> overrides = new LinkedHashMap<>();
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            if (a.equals("--config")) {
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

    /** The user's HOCON file, or null. */
    public String configFile() {
        return configFile;
    }

    public Map<String, String> overrides() {
        return overrides;
    }

    /** Arguments that are neither {@code --config} nor {@code -D} overrides. */
    public List<String> rest() {
        return rest;
    }

    public boolean hasFlag(String flag) {
        return rest.contains(flag);
    }
}
