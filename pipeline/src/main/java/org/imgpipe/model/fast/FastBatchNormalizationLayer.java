package org.imgpipe.model.fast;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.imgpipe.runtime.NativeRuntime;
import org.nd4j.linalg.api.buffer.DataType;

import java.lang.reflect.Field;

/**
 * DL4J's batch-norm layer with {@link JavaBatchNormHelper} as its helper, or {@link OneDnnBatchNormHelper} for
 * activations in {@link ChannelBlocks}: DL4J keeps the parameters, the moving statistics and every other path;
 * only the float arithmetic is replaced. With helpers disabled ({@value NativeRuntime#HELPERS_PROPERTY}=true) it
 * is the stock layer.
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
     * Creates the layer as DL4J's does, then installs a helper when {@code NativeRuntime.fastPathEnabled()}: the
     * blocked one for a float layer configured for blocked activations where they may be used
     * ({@link ChannelBlocks#enabled()}), else the Java one; called by {@link FastBatchNormalization} when a model
     * is built or loaded.
     *
     * @param conf the layer's configuration
     * @param dataType the network's data type
     * @throws IllegalStateException    when the helper cannot be set by reflection
     * @throws IllegalArgumentException for blocked activations with fixed gamma and beta, DL4J's fallback on or
     *                                  channels that do not fill whole blocks; when
     *                                  {@value FastConvolutionLayer#CONVOLUTION_PROPERTY} is invalid
     */
    public FastBatchNormalizationLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
        if (NativeRuntime.fastPathEnabled()) {
            FastBatchNormalization c = (FastBatchNormalization) conf.getLayer();
            boolean blocked = c.isBlocked() && ChannelBlocks.enabled(dataType);
            if (blocked) {
                // Fixed gamma and beta would send the layer down DL4J's own code too.
                ChannelBlocks.requireConfigured("batch norm " + c.getLayerName() + " (lockGammaBeta "
                        + c.isLockGammaBeta() + ")", c.isCudnnAllowFallback() || c.isLockGammaBeta(), c.getNOut());
            }
            try {
                HELPER.set(this, blocked ? new OneDnnBatchNormHelper() : new JavaBatchNormHelper());
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("cannot install the batch-norm helper", e);
            }
        }
    }
}
