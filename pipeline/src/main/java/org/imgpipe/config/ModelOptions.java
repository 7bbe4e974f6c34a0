package org.imgpipe.config;

/**
 * Model settings that may differ from the reference architecture's defaults ({@code pipeline.model}).
 *
 * @param batchNormMomentum Keras' BatchNormalization momentum of the moving statistics (DL4J's decay), 0..0.999999
 * @param dropout           Keras' Dropout rate before the dense layer: the fraction of the flattened activations
 *                          zeroed in training, 0..0.95 (0.5 in the reference)
 * @param conv              the kernel penalty of the four convolutions
 * @param dense             the kernel penalty of the dense layer and of the output layer
 */
public record ModelOptions(double batchNormMomentum, double dropout, Regularizer conv, Regularizer dense) {
    /**
     * Keras' {@code regularizers.l1_l2(l1, l2)} on a layer's kernel: adds {@code l1 * sum|w| + l2 * sum(w^2)} to
     * the loss (biases and batch-norm parameters are not penalised).
     *
     * @param l1 the L1 coefficient, 0..1
     * @param l2 the L2 coefficient, 0..1
     */
    public record Regularizer(double l1, double l2) {
        static Regularizer from(Settings s) {
            return new Regularizer(s.doubleIn("l1", 0, 1), s.doubleIn("l2", 0, 1));
        }
    }

    static ModelOptions from(Settings s) {
        return new ModelOptions(s.doubleIn("batch-norm-momentum", 0, 0.999999), s.doubleIn("dropout", 0, 0.95),
                Regularizer.from(s.child("conv-regularizer")), Regularizer.from(s.child("dense-regularizer")));
    }
}
