package org.imgpipe.config;

/** Which model and split to evaluate and where the metrics go. */
public record EvalOptions(String split, String model, String outputDir, int batchSize, int rocThresholds) {
    static EvalOptions from(Settings s) {
        return new EvalOptions(s.nonEmpty("split"), s.nonEmpty("model"), s.nonEmpty("output-dir"),
                s.intAtLeast("batch-size", 1), s.intAtLeast("roc-thresholds", 2));
    }
}
