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
