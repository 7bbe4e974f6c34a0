package org.imgpipe.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import org.imgpipe.base.UserError;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Rejects keys the defaults do not have and values whose type differs from the default's, with a
 * message that names the key (and the closest known key for a likely typo).
 */
final class ConfigValidator {
    private ConfigValidator() {
    }

    static void validate(Config merged, Config defaults, String root) {
        for (String top : merged.root().keySet()) {
            if (!top.equals(root)) {
                throw unknown(top, defaults);
            }
        }
        Map<String, ConfigValue> leaves = new TreeMap<>();
        merged.getConfig(root).entrySet().forEach(e -> leaves.put(e.getKey(), e.getValue()));
        leaves.forEach((key, value) -> checkLeaf(root + "." + key, value, defaults));
    }

    private static void checkLeaf(String key, ConfigValue value, Config defaults) {
        if (key.startsWith(PipelineConfig.HADOOP + ".")) {
            if (value.valueType() == ConfigValueType.LIST || value.valueType() == ConfigValueType.OBJECT) {
                throw new UserError("config key '" + key + "' must be a string: it is a Hadoop setting");
            }
            return;
        }
        if (!defaults.hasPathOrNull(key)) {
            String parent = parentThatIsNotObject(key, defaults);
            if (parent != null) {
                throw new UserError("config key '" + parent + "' must be a "
                        + describe(defaults.getValue(parent).valueType()) + ", not an object");
            }
            throw unknown(key, defaults);
        }
        ConfigValueType expected = defaults.getValue(key).valueType();
        if (expected == ConfigValueType.OBJECT) {
            throw new UserError("config key '" + key + "' is a section: set its keys, e.g. " + key + "."
                    + defaults.getConfig(key).root().keySet().iterator().next());
        }
        if (!compatible(expected, value)) {
            throw new UserError("config key '" + key + "' must be a " + describe(expected) + ", got "
                    + value.render() + " (" + value.origin().description() + ")");
        }
    }

    private static String parentThatIsNotObject(String key, Config defaults) {
        String p = key;
        while (p.contains(".")) {
            p = p.substring(0, p.lastIndexOf('.'));
            if (defaults.hasPath(p) && defaults.getValue(p).valueType() != ConfigValueType.OBJECT) {
                return p;
            }
        }
        return null;
    }

    private static boolean compatible(ConfigValueType expected, ConfigValue value) {
        ConfigValueType actual = value.valueType();
        if (actual == expected) {
            return true;
        }
        Object raw = value.unwrapped();
        return switch (expected) {
            case STRING -> actual == ConfigValueType.NUMBER || actual == ConfigValueType.BOOLEAN;
            case NUMBER -> actual == ConfigValueType.STRING && isNumber(raw.toString());
            case BOOLEAN -> actual == ConfigValueType.STRING
                    && Set.of("true", "false", "yes", "no", "on", "off").contains(raw.toString().trim());
            default -> false;
        };
    }

    private static boolean isNumber(String s) {
        try {
            Double.parseDouble(s.trim());
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String describe(ConfigValueType t) {
        return switch (t) {
            case NUMBER -> "number";
            case BOOLEAN -> "boolean (true/false)";
            case LIST -> "list, e.g. [a, b]";
            case OBJECT -> "section";
            default -> "string";
        };
    }

    private static UserError unknown(String key, Config defaults) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (Map.Entry<String, ConfigValue> e : defaults.entrySet()) {
            int d = editDistance(key, e.getKey());
            if (d < bestDistance) {
                bestDistance = d;
                best = e.getKey();
            }
        }
        String hint = best != null && bestDistance <= Math.max(3, key.length() / 4)
                ? " (did you mean '" + best + "'?)" : "";
        return new UserError("unknown config key '" + key + "'" + hint
                + "; every setting is listed in conf/application.conf");
    }

    static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
