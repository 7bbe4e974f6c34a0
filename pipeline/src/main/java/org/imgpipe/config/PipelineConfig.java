package org.imgpipe.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import org.apache.hadoop.conf.Configuration;
import org.imgpipe.base.UserError;

import java.io.File;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The validated configuration of a run: the packaged defaults ({@code conf/application.conf}), a
 * user file, JVM system properties and {@code -D} job arguments, merged in that order of rising
 * precedence. Every key must exist in the defaults and keep its type, so a typo fails at start.
 */
public final class PipelineConfig {
    public static final String ROOT = "pipeline";
    /** The open section of Hadoop settings: any key, passed through to the Hadoop configuration. */
    static final String HADOOP = ROOT + ".hadoop";
    /** Names whose values are secrets (Spark's spark.redaction.regex, plus credential). */
    private static final Pattern SECRET = Pattern.compile("(?i)secret|password|token|access[.]key|credential");
    static final String REDACTED = "*********(redacted)";
    static final String DEFAULTS_RESOURCE = "imgpipe/application.conf";

    private final Config config;

    private PipelineConfig(Config config) {
        this.config = config;
    }

    /**
     * The job's configuration: {@code overrides} over JVM system properties under {@code pipeline.} over
     * the user's file over the packaged defaults, validated.
     *
     * @param configFile a HOCON file of the user's ({@code --config}), or null for none
     * @param overrides  {@code key=value} pairs from the command line ({@code -Dkey=value}), values in
     *                   HOCON syntax
     * @return the validated configuration
     * @throws UserError when the file does not exist or does not parse, a key is unknown or a value has
     *                   the wrong type or range (the message names the key)
     */
    public static PipelineConfig load(String configFile, Map<String, String> overrides) {
        Config user = configFile == null ? ConfigFactory.empty() : parseUserFile(configFile);
        return fromLayers(overrides(overrides), systemProperties(), user);
    }

    /** Defaults overridden by {@code key=value} pairs; for tests and embedding. */
    public static PipelineConfig of(Map<String, ?> overrides) {
        return fromLayers(overrides(overrides), ConfigFactory.empty(), ConfigFactory.empty());
    }

    private static PipelineConfig fromLayers(Config args, Config sysProps, Config user) {
        Config defaults = defaults();
        Config merged;
        try {
            merged = args.withFallback(sysProps).withFallback(user).withFallback(defaults).resolve();
        } catch (ConfigException e) {
            throw new UserError("configuration: " + e.getMessage(), e);
        }
        ConfigValidator.validate(merged, defaults.resolve(), ROOT);
        return new PipelineConfig(merged);
    }

    static Config defaults() {
        Config d = ConfigFactory.parseResources(PipelineConfig.class.getClassLoader(), DEFAULTS_RESOURCE,
                ConfigParseOptions.defaults().setAllowMissing(false));
        if (!d.hasPath(ROOT)) {
            throw new IllegalStateException(DEFAULTS_RESOURCE + " has no '" + ROOT + "' section");
        }
        return d;
    }

    private static Config parseUserFile(String file) {
        File f = new File(file);
        if (!f.isFile()) {
            throw new UserError("config file not found: " + file + " (pass an existing HOCON file with --config)");
        }
        try {
            return ConfigFactory.parseFile(f, ConfigParseOptions.defaults().setAllowMissing(false));
        } catch (ConfigException e) {
            throw new UserError("config file " + file + " cannot be parsed: " + e.getMessage(), e);
        }
    }

    private static Config systemProperties() {
        Properties props = System.getProperties();
        Config c = ConfigFactory.empty();
        for (String name : props.stringPropertyNames()) {
            if (name.startsWith(ROOT + ".")) {
                c = c.withValue(name, overrideValue(name, props.getProperty(name)));
            }
        }
        return c;
    }

    private static Config overrides(Map<String, ?> pairs) {
        Config c = ConfigFactory.empty();
        for (Map.Entry<String, ?> e : pairs.entrySet()) {
            Object v = e.getValue();
            try {
                c = c.withValue(e.getKey(), v instanceof String s ? overrideValue(e.getKey(), s)
                        : ConfigValueFactory.fromAnyRef(v));
            } catch (ConfigException ex) {
                throw new UserError("bad config key '" + e.getKey() + "': " + ex.getMessage(), ex);
            }
        }
        return c;
    }

    /**
     * A {@code -D} value: lists and objects are HOCON ({@code [train1, train3]}); anything else is
     * taken verbatim as a string (URIs contain {@code //}, which HOCON reads as a comment) and
     * converted to the default's type on access.
     */
    private static ConfigValue overrideValue(String key, String raw) {
        String t = raw.trim();
        if (t.startsWith("[") || t.startsWith("{")) {
            try {
                return ConfigFactory.parseString("v = " + t).getValue("v");
            } catch (ConfigException e) {
                throw new UserError("bad value for config key '" + key + "': " + (isSecret(key) ? REDACTED : raw)
                        + " (" + e.getMessage() + ")", e);
            }
        }
        return ConfigValueFactory.fromAnyRef(raw);
    }

    /**
     * The merged and resolved HOCON tree, validated but unconverted; for code that needs a key no typed
     * accessor covers.
     *
     * @return the Typesafe Config
     */
    public Config raw() {
        return config;
    }

    /**
     * @return the {@code pipeline.data} settings: data root, folds, image size, pixel limit and sample data
     * @throws UserError when a value is empty or out of range (e.g. no training fold, image size below 1)
     */
    public DataOptions data() {
        return DataOptions.from(section("data"));
    }

    /**
     * @return {@code pipeline.work.dir}, the folder (any Hadoop file system) for decoded data, models, reports and
     *     metrics, as written (not resolved)
     */
    public String workDir() {
        return section("work").string("dir");
    }

    private Settings section(String name) {
        return new Settings(config.getConfig(ROOT + "." + name), ROOT + "." + name);
    }

    /**
     * @return the {@code pipeline.ingest} settings
     * @throws UserError when a value is empty or out of range
     */
    public IngestOptions ingest() {
        return IngestOptions.from(section("ingest"));
    }

    /**
     * @return the {@code pipeline.model} settings (batch-norm momentum)
     * @throws UserError when the momentum is outside 0..0.999999
     */
    public ModelOptions model() {
        return ModelOptions.from(section("model"));
    }

    /**
     * @return the {@code pipeline.train} settings, augmentation and training master included
     * @throws UserError when a value is empty, out of range or not one of its allowed names (fill mode, monitor),
     *                   or the cutout is larger than {@code pipeline.data.image-size}
     */
    public TrainOptions train() {
        TrainOptions train = TrainOptions.from(section("train"));
        int imageSize = section("data").intAtLeast("image-size", 1);
        if (train.augment().cutout() > imageSize) {
            // A larger square blacks out most images whole, and the run would train on nothing for hours.
            throw section("train").invalid("augment.cutout", train.augment().cutout(),
                    "must be at most pipeline.data.image-size (" + imageSize + ")");
        }
        return train;
    }

    /**
     * @return the {@code pipeline.eval} settings
     * @throws UserError when a value is empty or out of range
     */
    public EvalOptions eval() {
        return EvalOptions.from(section("eval"));
    }

    /** @return the {@code pipeline.report} settings */
    public ReportOptions report() {
        return ReportOptions.from(section("report"));
    }

    /**
     * @return {@code pipeline.registry.dir}, the model registry's root (any Hadoop file system), as written
     * @throws UserError when it is empty
     */
    public String registryDir() {
        return section("registry").nonEmpty("dir");
    }

    /**
     * @return the {@code pipeline.score} settings
     * @throws UserError when a value is empty or out of range
     */
    public ScoreOptions score() {
        return ScoreOptions.from(section("score"));
    }

    /**
     * @return the {@code pipeline.retrain} settings
     * @throws UserError when the metric is unknown or a value is out of range
     */
    public RetrainOptions retrain() {
        return RetrainOptions.from(section("retrain"));
    }

    /**
     * @return the {@code pipeline.spark} settings (master, application name)
     * @throws UserError when a value is empty or out of range
     */
    public SparkOptions spark() {
        return SparkOptions.from(section("spark"));
    }

    /** The Hadoop settings of {@code pipeline.hadoop}, by their Hadoop names. */
    public Map<String, String> hadoop() {
        Map<String, String> settings = new TreeMap<>();
        config.getConfig(HADOOP).entrySet().forEach(e ->
                settings.put(String.join(".", ConfigUtil.splitPath(e.getKey())), e.getValue().unwrapped().toString()));
        return settings;
    }

    /** Sets the {@code pipeline.hadoop} settings on a Hadoop configuration (over what it had). */
    public void applyHadoopSettings(Configuration conf) {
        hadoop().forEach(conf::set);
    }

    /** Whether a setting's value is a secret, by its name. */
    private static boolean isSecret(String key) {
        return SECRET.matcher(key).find();
    }

    /**
     * The effective settings as HOCON, sorted, for logs and for the model registry, with the values
     * of secrets replaced by {@value #REDACTED}.
     */
    public String render() {
        Config shown = config.getConfig(ROOT).atPath(ROOT);
        for (Map.Entry<String, ConfigValue> e : config.getConfig(ROOT).entrySet()) {
            if (isSecret(e.getKey())) {
                shown = shown.withValue(ROOT + "." + e.getKey(), ConfigValueFactory.fromAnyRef(REDACTED));
            }
        }
        return shown.root().render(ConfigRenderOptions.concise().setFormatted(true).setJson(false));
    }
}
