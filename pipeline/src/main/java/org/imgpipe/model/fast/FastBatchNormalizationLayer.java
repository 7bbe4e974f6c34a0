package org.imgpipe.model.fast;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.imgpipe.runtime.NativeRuntime;
import org.nd4j.linalg.api.buffer.DataType;

import java.lang.reflect.Field;

/**
 * DL4J's batch-norm layer with {@link JavaBatchNormHelper} as its helper: DL4J keeps the parameters,
 * the moving statistics and every other path; only the NCHW float arithmetic is replaced. With
 * helpers disabled ({@value NativeRuntime#HELPERS_PROPERTY}=true) it is the stock layer.
 */
public class FastBatchNormalizationLayer extends BatchNormalization {
    private static final Field HELPER;

    static {
        try {
            HELPER = BatchNormalization.class.getDeclaredField("helper");
            HELPER.setAccessible(true);
        } catch (NoSuchFieldException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Creates the layer as DL4J's does, then installs the Java helper when
     * {@code NativeRuntime.fastPathEnabled()}; called by {@link FastBatchNormalization} when a model is built
     * or loaded.
     *
     * @param conf the layer's configuration
     * @param dataType the network's data type
     * @throws IllegalStateException when the helper cannot be set by reflection
     */
    public FastBatchNormalizationLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
        if (NativeRuntime.fastPathEnabled()) {
            try {
                HELPER.set(this, new JavaBatchNormHelper());
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("cannot install the batch-norm helper", e);
            }
        }
    }
}
