package org.imgpipe.model.fast;

import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.pooling_backward;
import org.bytedeco.dnnl.pooling_forward;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.lang.ref.Reference;

import static org.imgpipe.model.fast.OneDnnResources.NO_PADDING;

/**
 * 2x2 max pooling at stride 2 over floats of one shape, on persistent oneDNN primitives that read and
 * write the ND4J arrays in place (oneDNN has AVX-512 kernels for plain NCHW pooling, and kernels for its
 * channel blocks on any x86-64 CPU). The input is NCHW or in {@link ChannelBlocks}; the output is in the
 * input's layout, or NCHW from a blocked input, through a reorder. The forward pass
 * keeps oneDNN's workspace (where each window's maximum was), so the backward pass only scatters the
 * gradient: libnd4j's {@code maxpool2d_bp}, which DL4J's helper calls, runs the forward pass again to
 * rebuild it, and both ops create their primitives on every call. The gradient goes to the first maximum
 * of each window, as in libnd4j. Not safe for concurrent use.
 */
final class OneDnnMaxPooling implements ThreadPrimitives.Primitives {
    private static final long[] WINDOW = {2, 2};

    private final OneDnnResources resources = new OneDnnResources();
    private final memory src;
    private final OneDnnTensor dst;
    private final memory workspace;
    private final OneDnnTensor diffDst;
    private final memory diffSrc;
    /** Where the forward pass writes when the backward pass must rebuild the workspace of another input. */
    private final memory scratchDst;
    private final primitive forward;
    private final primitive backward;
    private final IntMemoryMap forwardArgs;
    private final IntMemoryMap rebuildArgs;
    private final IntMemoryMap backwardArgs;
    /** The input whose maxima {@link #workspace} holds, or null. */
    private INDArray inputInWorkspace;

    /**
     * @param batchSize N
     * @param channels  C
     * @param height    H, at least 2 (an odd last row is dropped, as in DL4J's truncating mode)
     * @param width     W, likewise
     * @param blockedInput  whether the input and its gradient are in {@link ChannelBlocks} (else NCHW)
     * @param blockedOutput whether the output and its gradient are in {@link ChannelBlocks} (else NCHW)
     * @throws IllegalArgumentException for a blocked output from an NCHW input
     * @throws RuntimeException (oneDNN's {@code dnnl.error}) when oneDNN cannot create the primitives; what
     *                          was created is freed
     */
    OneDnnMaxPooling(long batchSize, long channels, long height, long width, boolean blockedInput,
                     boolean blockedOutput) {
        if (blockedOutput && !blockedInput) {
            throw new IllegalArgumentException("a pooling with an NCHW input returns NCHW");
        }
        long[] inputShape = {batchSize, channels, height, width};
        long[] outputShape = {batchSize, channels, height / 2, width / 2};
        try {
            memory.desc in = resources.desc(ChannelBlocks.tag(blockedInput), inputShape);
            memory.desc out = resources.desc(ChannelBlocks.tag(blockedInput), outputShape);
            memory.desc outArray = resources.desc(ChannelBlocks.tag(blockedOutput), outputShape);
            pooling_forward.primitive_desc forwardDesc = own(new pooling_forward.primitive_desc(own(
                    new pooling_forward.desc(dnnl.prop_kind.forward_training, dnnl.algorithm.pooling_max, in, out,
                            WINDOW, WINDOW, NO_PADDING, NO_PADDING)), resources.cpu()));
            pooling_backward.primitive_desc backwardDesc = own(new pooling_backward.primitive_desc(own(
                    new pooling_backward.desc(dnnl.algorithm.pooling_max, in, out, WINDOW, WINDOW, NO_PADDING,
                            NO_PADDING)), resources.cpu(), forwardDesc));
            src = own(new memory(in, resources.cpu(), (Pointer) null));
            dst = new OneDnnTensor(resources, outArray, out, false);
            workspace = own(new memory(own(forwardDesc.workspace_desc()), resources.cpu()));
            diffDst = new OneDnnTensor(resources, outArray, out, true);
            diffSrc = own(new memory(in, resources.cpu(), (Pointer) null));
            scratchDst = own(new memory(out, resources.cpu()));
            forward = own(new pooling_forward(forwardDesc));
            backward = own(new pooling_backward(backwardDesc));
            forwardArgs = arguments(dst.inner);
            rebuildArgs = arguments(scratchDst);
            backwardArgs = own(new IntMemoryMap());
            backwardArgs.put(dnnl.DNNL_ARG_DIFF_DST, diffDst.inner);
            backwardArgs.put(dnnl.DNNL_ARG_WORKSPACE, workspace);
            backwardArgs.put(dnnl.DNNL_ARG_DIFF_SRC, diffSrc);
        } catch (RuntimeException creationFailed) {
            close();
            throw creationFailed;
        }
    }

    /**
     * @param input {@code [N, C, H, W]} dense floats in the input's layout
     * @param out   written: {@code [N, C, H/2, W/2]} dense floats in the output's layout, each window's maximum
     * @throws IllegalStateException after {@link #close()}
     * @throws RuntimeException      (oneDNN's {@code dnnl.error}) when oneDNN fails to run the primitive
     */
    void forward(INDArray input, INDArray out) {
        resources.requireOpen("pooling");
        // Cleared first: a call that fails halfway leaves the workspace holding neither input's maxima.
        inputInWorkspace = null;
        try {
            src.set_data_handle(FloatArrays.pointer(input));
            dst.target(out);
            forward.execute(resources.stream(), forwardArgs);
            dst.out();
            resources.stream()._wait();
            inputInWorkspace = input;
        } finally {
            Reference.reachabilityFence(input);
            Reference.reachabilityFence(out);
        }
    }

    /**
     * @param input     the forward pass's input, {@code [N, C, H, W]} dense floats in the input's layout
     * @param delta     the gradient at the output, {@code [N, C, H/2, W/2]} dense floats in the output's layout
     * @param inputGrad written: the gradient at the input, {@code [N, C, H, W]} dense floats in the input's
     *                  layout: each delta element at its window's first maximum, zero elsewhere
     * @throws IllegalStateException after {@link #close()}
     * @throws RuntimeException      (oneDNN's {@code dnnl.error}) when oneDNN fails to run a primitive
     */
    void backward(INDArray input, INDArray delta, INDArray inputGrad) {
        resources.requireOpen("pooling");
        try {
            if (input != inputInWorkspace) {
                inputInWorkspace = null;
                src.set_data_handle(FloatArrays.pointer(input));
                forward.execute(resources.stream(), rebuildArgs);
                inputInWorkspace = input;
            }
            diffDst.in(delta);
            diffSrc.set_data_handle(FloatArrays.pointer(inputGrad));
            backward.execute(resources.stream(), backwardArgs);
            resources.stream()._wait();
        } finally {
            Reference.reachabilityFence(input);
            Reference.reachabilityFence(delta);
            Reference.reachabilityFence(inputGrad);
        }
    }

    /** Frees the primitives and their memory; the pooling cannot run afterwards. */
    @Override
    public void close() {
        resources.close();
        inputInWorkspace = null;
    }

    private IntMemoryMap arguments(memory output) {
        IntMemoryMap args = own(new IntMemoryMap());
        args.put(dnnl.DNNL_ARG_SRC, src);
        args.put(dnnl.DNNL_ARG_DST, output);
        args.put(dnnl.DNNL_ARG_WORKSPACE, workspace);
        return args;
    }

    private <T extends Pointer> T own(T pointer) {
        return resources.own(pointer);
    }
}
