package org.imgpipe.model.fast;

import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.batch_normalization_forward;
import org.bytedeco.dnnl.binary;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.post_ops;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.lang.ref.Reference;

/**
 * The per-element arithmetic of a batch norm over {@link ChannelBlocks} activations of one shape, on persistent
 * oneDNN primitives that read and write the ND4J arrays in place: a per-channel affine map of x, and the
 * addition of a per-channel multiple of another array. The per-channel sums stay with the caller
 * ({@link OneDnnBatchNormHelper}): oneDNN's own batch norm sums in float, and on one or two threads its
 * statistics of a 16x32x30x30 batch were 4e-6 to 1e-5 from double arithmetic (with AVX2, 4e-5), which moved
 * Model S's gradients up to 0.3 % from DL4J's. Not safe for concurrent use.
 */
final class OneDnnBatchNorm implements ThreadPrimitives.Primitives {
    private final OneDnnResources resources = new OneDnnResources();
    private final memory src;
    private final memory dst;
    private final memory scale;
    private final memory shift;
    private final memory mean;
    private final memory variance;
    private final memory addend;
    private final memory factors;
    private final memory sum;
    private final primitive affine;
    private final primitive addMultiple;
    private final IntMemoryMap affineArgs = own(new IntMemoryMap());
    private final IntMemoryMap addArgs = own(new IntMemoryMap());

    /**
     * @param batchSize N
     * @param channels  C, a multiple of {@link ChannelBlocks#SIZE}
     * @param height    H
     * @param width     W
     * @param epsilon   added to the variance before its square root
     * @throws RuntimeException (oneDNN's {@code dnnl.error}) when oneDNN cannot create the primitives; what was
     *                          created is freed
     */
    OneDnnBatchNorm(long batchSize, long channels, long height, long width, float epsilon) {
        try {
            memory.desc data = resources.desc(ChannelBlocks.tag(true), batchSize, channels, height, width);
            memory.desc perChannel = resources.desc(memory.format_tag.x, channels);
            // Blocked too, which oneDNN's vectorized binary kernels need; for whole blocks it is C floats in order.
            memory.desc broadcast = resources.desc(ChannelBlocks.tag(true), 1, channels, 1, 1);
            batch_normalization_forward.primitive_desc affineDesc = own(
                    new batch_normalization_forward.primitive_desc(own(new batch_normalization_forward.desc(
                            dnnl.prop_kind.forward_inference, data, epsilon, dnnl.or(dnnl.or(
                                    dnnl.normalization_flags.use_scale, dnnl.normalization_flags.use_shift),
                                    dnnl.normalization_flags.use_global_stats))), resources.cpu()));
            post_ops accumulate = own(new post_ops());
            accumulate.append_sum();
            primitive_attr attributes = own(new primitive_attr());
            attributes.set_post_ops(accumulate);
            binary.primitive_desc addDesc = own(new binary.primitive_desc(own(new binary.desc(
                    dnnl.algorithm.binary_mul, data, broadcast, data)), attributes, resources.cpu()));
            src = handle(data);
            dst = handle(data);
            scale = handle(perChannel);
            shift = handle(perChannel);
            mean = handle(perChannel);
            variance = handle(perChannel);
            addend = handle(data);
            factors = handle(broadcast);
            sum = handle(data);
            affine = own(new batch_normalization_forward(affineDesc));
            addMultiple = own(new binary(addDesc));
            affineArgs.put(dnnl.DNNL_ARG_SRC, src);
            affineArgs.put(dnnl.DNNL_ARG_DST, dst);
            affineArgs.put(dnnl.DNNL_ARG_SCALE, scale);
            affineArgs.put(dnnl.DNNL_ARG_SHIFT, shift);
            affineArgs.put(dnnl.DNNL_ARG_MEAN, mean);
            affineArgs.put(dnnl.DNNL_ARG_VARIANCE, variance);
            addArgs.put(dnnl.DNNL_ARG_SRC_0, addend);
            addArgs.put(dnnl.DNNL_ARG_SRC_1, factors);
            addArgs.put(dnnl.DNNL_ARG_DST, sum);
        } catch (RuntimeException creationFailed) {
            close();
            throw creationFailed;
        }
    }

    /**
     * {@code out = gamma * (x - mean) / sqrt(var + epsilon) + beta} per channel, oneDNN's batch-norm inference.
     *
     * @param x     {@code [N, C, H, W]} dense blocked floats
     * @param gamma C contiguous floats
     * @param beta  C contiguous floats
     * @param m     C contiguous floats, each channel's mean
     * @param v     C contiguous floats, each channel's variance
     * @param out   written: {@code [N, C, H, W]} dense blocked floats (may be x)
     * @throws IllegalStateException after {@link #close()}
     * @throws RuntimeException      (oneDNN's {@code dnnl.error}) when oneDNN fails to run the primitive
     */
    void normalize(INDArray x, INDArray gamma, INDArray beta, INDArray m, INDArray v, INDArray out) {
        resources.requireOpen("batch normalization");
        try {
            src.set_data_handle(FloatArrays.pointer(x));
            dst.set_data_handle(FloatArrays.pointer(out));
            scale.set_data_handle(FloatArrays.pointer(gamma));
            shift.set_data_handle(FloatArrays.pointer(beta));
            mean.set_data_handle(FloatArrays.pointer(m));
            variance.set_data_handle(FloatArrays.pointer(v));
            affine.execute(resources.stream(), affineArgs);
            resources.stream()._wait();
        } finally {
            Reference.reachabilityFence(x);
            Reference.reachabilityFence(gamma);
            Reference.reachabilityFence(beta);
            Reference.reachabilityFence(m);
            Reference.reachabilityFence(v);
            Reference.reachabilityFence(out);
        }
    }

    /**
     * {@code total += k * y} per channel.
     *
     * @param y     {@code [N, C, H, W]} dense blocked floats
     * @param k     C contiguous floats
     * @param total {@code [N, C, H, W]} dense blocked floats, added to
     * @throws IllegalStateException after {@link #close()}
     * @throws RuntimeException      (oneDNN's {@code dnnl.error}) when oneDNN fails to run the primitive
     */
    void addMultiple(INDArray y, INDArray k, INDArray total) {
        resources.requireOpen("batch normalization");
        try {
            addend.set_data_handle(FloatArrays.pointer(y));
            factors.set_data_handle(FloatArrays.pointer(k));
            sum.set_data_handle(FloatArrays.pointer(total));
            addMultiple.execute(resources.stream(), addArgs);
            resources.stream()._wait();
        } finally {
            Reference.reachabilityFence(y);
            Reference.reachabilityFence(k);
            Reference.reachabilityFence(total);
        }
    }

    /** Frees the primitives and their memory; they cannot run afterwards. */
    @Override
    public void close() {
        resources.close();
    }

    /** Memory without a buffer, pointed at an array for each call. */
    private memory handle(memory.desc desc) {
        return own(new memory(desc, resources.cpu(), (Pointer) null));
    }

    private <T extends Pointer> T own(T pointer) {
        return resources.own(pointer);
    }
}
