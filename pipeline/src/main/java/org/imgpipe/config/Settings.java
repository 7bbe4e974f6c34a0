package org.imgpipe.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import org.imgpipe.base.UserError;

import java.util.List;
import java.util.function.Function;

/** Typed reads of one config section with range checks; every error names the full key. */
final class Settings {
    private final Config config;
    private final String prefix;

    Settings(Config config, String prefix) {
        this.config = config;
        this.prefix = prefix;
    }

    Settings child(String name) {
        return new Settings(config.getConfig(name), prefix + "." + name);
    }

    String string(String key) {
        return read(key, config::getString);
    }

    List<String> strings(String key) {
        return read(key, config::getStringList);
    }

    boolean bool(String key) {
        return read(key, config::getBoolean);
    }

    long longAtLeast(String key, long min) {
        long v = read(key, config::getLong);
        if (v < min) {
            throw invalid(key, v, "must be at least " + min);
        }
        return v;
    }

    int intAtLeast(String key, int min) {
        return Math.toIntExact(longAtLeast(key, min));
    }

    int intIn(String key, int min, int max) {
        int v = intAtLeast(key, min);
        if (v > max) {
            throw invalid(key, v, "must be between " + min + " and " + max);
        }
        return v;
    }

    double doubleIn(String key, double min, double max) {
        double v = read(key, config::getDouble);
        if (!(v >= min && v <= max)) {
            throw invalid(key, v, "must be between " + min + " and " + max);
        }
        return v;
    }

    String nonEmpty(String key) {
        String v = string(key);
        if (v.isBlank()) {
            throw invalid(key, "\"\"", "must not be empty");
        }
        return v;
    }

    UserError invalid(String key, Object value, String why) {
        return new UserError("config key '" + prefix + "." + key + "' = " + value + ": " + why);
    }

    private <T> T read(String key, Function<String, T> getter) {
        try {
            return getter.apply(key);
        } catch (ConfigException e) {
            throw new UserError("config key '" + prefix + "." + key + "': " + e.getMessage(), e);
        }
    }
}
