package org.imgpipe.model.fast;

import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.convolution_backward_data;
import org.bytedeco.dnnl.convolution_backward_weights;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.lang.ref.Reference;
import java.util.function.Function;

import static org.imgpipe.model.fast.OneDnnResources.NO_PADDING;
import static org.imgpipe.model.fast.OneDnnResources.UNIT_STRIDES;

/**
 * One convolution layer's training step in oneDNN for one input shape: a 3x3-or-any kernel at stride 1
 * without padding over floats, with bias. The primitives (forward, backward data, backward weights)
 * and their activation memory in the layouts oneDNN picks (blocked, e.g. {@code nChw16c} with AVX-512)
 * are created once and reused for every call, and the ND4J arrays, NCHW or already in
 * {@link ChannelBlocks}, are reordered into and out of them where their layout differs (the plain layout
 * is used where oneDNN takes it, as for a first layer's three channels).
 * libnd4j's {@code conv2d}/{@code conv2d_bp} ops, which DL4J's oneDNN helper calls, create their
 * primitives, allocate and reorder every tensor on every call, reorder the input a second time for the
 * weight gradient and pick Winograd for the input gradient: in a Model S step (batch 32, 2 threads,
 * AVX-512, {@code DNNL_VERBOSE}) 47 reorders took 10.3 ms beside 26 ms of convolutions; here a step's
 * four convolutions with their reorders took 24-28 ms in isolation. The input's blocked copy made for
 * the forward pass serves the weight gradient when the backward pass gets the same input array.
 * Not safe for concurrent use.
 */
final class OneDnnConvolution implements ThreadPrimitives.Primitives {
    private static final boolean WINOGRAD = FastConvolutionLayer.winogradChosen();

    private final long[] inputShape;
    private final long[] outputShape;
    private final long[] kernelShape;
    private final boolean blockedInput;
    private final boolean blockedOutput;
    private final OneDnnResources resources = new OneDnnResources();
    /** The three shapes in the layouts the primitives choose, which the backward ones share with the forward one. */
    private final memory.desc anyInput;
    private final memory.desc anyKernel;
    private final memory.desc anyOutput;
    private final convolution_forward.primitive_desc forwardDesc;
    private final OneDnnTensor src;
    private final OneDnnTensor weights;
    private final OneDnnTensor dst;
    private final memory bias;
    private final primitive forward;
    private final IntMemoryMap forwardArgs;
    /** Created at the first backward pass: inference alone needs none of its memory. */
    private Backward backward;
    /** The input array whose values {@link #src} holds in the primitives' layout, or null. */
    private INDArray inputInSrc;

    /** The backward primitives and the memory only they use. */
    private final class Backward {
        final OneDnnTensor diffDst;
        final OneDnnTensor diffSrc;
        final OneDnnTensor weightsForData;
        final OneDnnTensor diffWeights;
        /** The input for the kernel gradient when that primitive wants another layout than the forward one. */
        final OneDnnTensor srcForKernel;
        /** The output gradient for the kernel gradient when it wants another layout than the input gradient. */
        final OneDnnTensor diffDstForKernel;
        final memory diffBias;
        final primitive data;
        final primitive kernel;
        final IntMemoryMap dataArgs = own(new IntMemoryMap());
        final IntMemoryMap kernelArgs = own(new IntMemoryMap());

        Backward() {
            convolution_backward_data.primitive_desc dataDesc = winogradWhereAvailable(algorithm -> own(
                    new convolution_backward_data.primitive_desc(own(new convolution_backward_data.desc(algorithm,
                            anyInput, anyKernel, anyOutput, UNIT_STRIDES, NO_PADDING, NO_PADDING)), resources.cpu(),
                            forwardDesc)));
            convolution_backward_weights.primitive_desc kernelDesc = winogradWhereAvailable(algorithm -> own(
                    new convolution_backward_weights.primitive_desc(own(new convolution_backward_weights.desc(
                            algorithm, anyInput, anyKernel, resources.desc(memory.format_tag.x, outputShape[1]),
                            anyOutput, UNIT_STRIDES, NO_PADDING, NO_PADDING)), resources.cpu(), forwardDesc)));
            diffDst = tensor(activations(outputShape, blockedOutput), own(dataDesc.diff_dst_desc()), true);
            diffSrc = tensor(activations(inputShape, blockedInput), own(dataDesc.diff_src_desc()), false);
            weightsForData = tensor(plainKernel(), own(dataDesc.weights_desc()), true);
            diffWeights = tensor(plainKernel(), own(kernelDesc.diff_weights_desc()), false);
            memory.desc kernelSrc = own(kernelDesc.src_desc());
            srcForKernel = kernelSrc.equals(own(src.inner.get_desc())) ? null
                    : tensor(activations(inputShape, blockedInput), kernelSrc, true);
            memory.desc kernelDiffDst = own(kernelDesc.diff_dst_desc());
            diffDstForKernel = kernelDiffDst.equals(own(diffDst.inner.get_desc())) ? null
                    : tensor(activations(outputShape, blockedOutput), kernelDiffDst, true);
            diffBias = own(new memory(own(kernelDesc.diff_bias_desc()), resources.cpu(), (Pointer) null));
            data = own(new convolution_backward_data(dataDesc));
            kernel = own(new convolution_backward_weights(kernelDesc));
            dataArgs.put(dnnl.DNNL_ARG_DIFF_DST, diffDst.inner);
            dataArgs.put(dnnl.DNNL_ARG_WEIGHTS, weightsForData.inner);
            dataArgs.put(dnnl.DNNL_ARG_DIFF_SRC, diffSrc.inner);
            kernelArgs.put(dnnl.DNNL_ARG_SRC, srcForKernel == null ? src.inner : srcForKernel.inner);
            kernelArgs.put(dnnl.DNNL_ARG_DIFF_DST, diffDstForKernel == null ? diffDst.inner : diffDstForKernel.inner);
            kernelArgs.put(dnnl.DNNL_ARG_DIFF_WEIGHTS, diffWeights.inner);
            kernelArgs.put(dnnl.DNNL_ARG_DIFF_BIAS, diffBias);
        }

        /**
         * Puts the forward pass's input and the output gradient where the kernel gradient, and with
         * {@code forData} the input gradient, read them.
         */
        void inputs(INDArray input, INDArray delta, boolean forData) {
            if (forData || diffDstForKernel == null) {
                diffDst.in(delta);
            }
            if (diffDstForKernel != null) {
                diffDstForKernel.in(delta);
            }
            if (srcForKernel != null) {
                srcForKernel.in(input);
            } else if (input != inputInSrc) {
                inputInSrc = null;
                src.in(input);
                inputInSrc = input;
            }
        }
    }

    /**
     * Creates the forward primitive and its memory (the backward ones follow at the first backward pass).
     *
     * @param batchSize   N, images per call
     * @param inChannels  C, the input's channels
     * @param height      H, the input's height in pixels
     * @param width       W, the input's width in pixels
     * @param outChannels the kernel's output channels
     * @param kernelH     the kernel's height, at most H
     * @param kernelW     the kernel's width, at most W
     * @param blockedInput  whether the input and its gradient are in {@link ChannelBlocks} (else NCHW)
     * @param blockedOutput whether the output and its gradient are in {@link ChannelBlocks} (else NCHW)
     * @throws RuntimeException (oneDNN's {@code dnnl.error}) when oneDNN cannot create the primitive; what
     *                          was created is freed
     */
    OneDnnConvolution(long batchSize, long inChannels, long height, long width, long outChannels, long kernelH,
                      long kernelW, boolean blockedInput, boolean blockedOutput) {
        this.blockedInput = blockedInput;
        this.blockedOutput = blockedOutput;
        inputShape = new long[]{batchSize, inChannels, height, width};
        outputShape = new long[]{batchSize, outChannels, height - kernelH + 1, width - kernelW + 1};
        kernelShape = new long[]{outChannels, inChannels, kernelH, kernelW};
        try {
            anyInput = resources.desc(memory.format_tag.any, inputShape);
            anyKernel = resources.desc(memory.format_tag.any, kernelShape);
            anyOutput = resources.desc(memory.format_tag.any, outputShape);
            memory.desc biasDesc = resources.desc(memory.format_tag.x, outChannels);
            forwardDesc = winogradWhereAvailable(algorithm -> own(new convolution_forward.primitive_desc(own(
                    new convolution_forward.desc(dnnl.prop_kind.forward_training, algorithm, anyInput, anyKernel,
                            biasDesc, anyOutput, UNIT_STRIDES, NO_PADDING, NO_PADDING)), resources.cpu())));
            src = tensor(activations(inputShape, blockedInput), own(forwardDesc.src_desc()), true);
            weights = tensor(plainKernel(), own(forwardDesc.weights_desc()), true);
            dst = tensor(activations(outputShape, blockedOutput), own(forwardDesc.dst_desc()), false);
            bias = own(new memory(biasDesc, resources.cpu(), (Pointer) null));
            forward = own(new convolution_forward(forwardDesc));
            forwardArgs = own(new IntMemoryMap());
            forwardArgs.put(dnnl.DNNL_ARG_SRC, src.inner);
            forwardArgs.put(dnnl.DNNL_ARG_WEIGHTS, weights.inner);
            forwardArgs.put(dnnl.DNNL_ARG_BIAS, bias);
            forwardArgs.put(dnnl.DNNL_ARG_DST, dst.inner);
        } catch (RuntimeException creationFailed) {
            close();
            throw creationFailed;
        }
    }

    /** @return {@code [N, outChannels, H - kernelH + 1, W - kernelW + 1]}, the output's shape */
    long[] outputShape() {
        return outputShape.clone();
    }

    /**
     * The convolution's pre-activations {@code x * W + b}, as DL4J's {@code ConvolutionLayer} computes them.
     *
     * @param input  {@code [N, C, H, W]} dense floats in the input's layout (a view at an offset is fine)
     * @param kernel {@code [outChannels, C, kernelH, kernelW]} dense C-order floats
     * @param b      {@code outChannels} contiguous floats
     * @param out    written: {@code [N, outChannels, H', W']} dense floats in the output's layout
     * @throws IllegalStateException after {@link #close()}
     * @throws RuntimeException      (oneDNN's {@code dnnl.error}) when oneDNN fails to run a primitive
     */
    void forward(INDArray input, INDArray kernel, INDArray b, INDArray out) {
        resources.requireOpen("convolution");
        // Cleared first: a call that fails halfway leaves the blocked copy holding neither input.
        inputInSrc = null;
        try {
            src.in(input);
            inputInSrc = input;
            weights.in(kernel);
            bias.set_data_handle(FloatArrays.pointer(b));
            dst.target(out);
            forward.execute(resources.stream(), forwardArgs);
            dst.out();
            resources.stream()._wait();
        } finally {
            // The pointers above do not keep ND4J's buffers alive.
            Reference.reachabilityFence(input);
            Reference.reachabilityFence(kernel);
            Reference.reachabilityFence(b);
            Reference.reachabilityFence(out);
        }
    }

    /**
     * The gradients of a forward pass, as DL4J's {@code ConvolutionLayer} computes them.
     *
     * @param input      the forward pass's input, {@code [N, C, H, W]} dense floats in the input's layout
     * @param kernel     {@code [outChannels, C, kernelH, kernelW]} dense C-order floats
     * @param delta      the loss gradient at the pre-activations, {@code [N, outChannels, H', W']} dense floats in
     *                   the output's layout
     * @param kernelGrad written: the kernel's gradient, shaped and laid out as the kernel (a view into DL4J's
     *                   gradient vector)
     * @param biasGrad   written: the bias gradient, {@code outChannels} contiguous floats
     * @param inputGrad  written: the gradient at the input, {@code [N, C, H, W]} dense floats in the input's
     *                   layout; null skips it (the data-gradient convolution and its kernel reorder)
     * @throws IllegalStateException after {@link #close()}
     * @throws RuntimeException      (oneDNN's {@code dnnl.error}) as {@link #prepareBackward()} at the first call,
     *                               or when oneDNN fails to run a primitive
     */
    void backward(INDArray input, INDArray kernel, INDArray delta, INDArray kernelGrad, INDArray biasGrad,
                  INDArray inputGrad) {
        resources.requireOpen("convolution");
        prepareBackward();
        Backward bw = backward;
        try {
            bw.inputs(input, delta, inputGrad != null);
            bw.diffWeights.target(kernelGrad);
            bw.diffBias.set_data_handle(FloatArrays.pointer(biasGrad));
            bw.kernel.execute(resources.stream(), bw.kernelArgs);
            bw.diffWeights.out();
            if (inputGrad != null) {
                bw.weightsForData.in(kernel);
                bw.diffSrc.target(inputGrad);
                bw.data.execute(resources.stream(), bw.dataArgs);
                bw.diffSrc.out();
            }
            resources.stream()._wait();
        } finally {
            Reference.reachabilityFence(input);
            Reference.reachabilityFence(kernel);
            Reference.reachabilityFence(delta);
            Reference.reachabilityFence(kernelGrad);
            Reference.reachabilityFence(biasGrad);
            Reference.reachabilityFence(inputGrad);
        }
    }

    /**
     * Creates the backward primitives and their memory, unless done before.
     *
     * @throws RuntimeException (oneDNN's {@code dnnl.error}) when oneDNN cannot create them
     */
    void prepareBackward() {
        if (backward == null) {
            backward = new Backward();
        }
    }

    /** Frees the primitives and their memory; the convolution cannot run afterwards. */
    @Override
    public void close() {
        resources.close();
        inputInSrc = null;
    }

    /**
     * A primitive descriptor with Winograd's algorithm (F(4x4, 3x3)) where oneDNN has it for the shape and CPU
     * (its AVX-512 kernels, 3x3 at stride 1) and {@value FastConvolutionLayer#ALGORITHM_PROPERTY} allows it, else
     * the direct one. In a Model S step (batch 32, 2 threads, {@code DNNL_VERBOSE}) the twelve convolutions took
     * 19.5 ms against 26.3 direct, and every gradient stayed within 1e-5 of DL4J's. The inference chain
     * ({@link OneDnnForward}) picks its convolutions' algorithm here too.
     *
     * @param create the primitive descriptor for an algorithm; throws when oneDNN has no kernel for it
     * @param <T>    the primitive descriptor's type
     * @return Winograd's descriptor where {@code create} gives one and the property allows it, else the direct one
     * @throws RuntimeException oneDNN's error when it has no direct kernel either
     */
    static <T> T winogradWhereAvailable(Function<dnnl.algorithm, T> create) {
        if (WINOGRAD) {
            try {
                return create.apply(dnnl.algorithm.convolution_winograd);
            } catch (RuntimeException unavailable) {
                // oneDNN has no Winograd kernel for this shape or CPU.
            }
        }
        return create.apply(dnnl.algorithm.convolution_direct);
    }

    private memory.desc activations(long[] shape, boolean blocked) {
        return resources.desc(ChannelBlocks.tag(blocked), shape);
    }

    private OneDnnTensor tensor(memory.desc layout, memory.desc wanted, boolean toward) {
        return new OneDnnTensor(resources, layout, wanted, toward);
    }

    private memory.desc plainKernel() {
        return resources.desc(memory.format_tag.oihw, kernelShape);
    }

    private <T extends Pointer> T own(T pointer) {
        return resources.own(pointer);
    }
}
