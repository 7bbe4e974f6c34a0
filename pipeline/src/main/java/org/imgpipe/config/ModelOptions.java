package org.imgpipe.config;

/** Model settings that may differ from the reference architecture's defaults. */
public record ModelOptions(double batchNormMomentum) {
    static ModelOptions from(Settings s) {
        return new ModelOptions(s.doubleIn("batch-norm-momentum", 0, 0.999999));
    }
}
