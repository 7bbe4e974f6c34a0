package org.imgpipe.model.fast;

import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.inner_product_forward;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.pooling_forward;
import org.bytedeco.dnnl.post_ops;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.primitive_desc_base;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;

import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

import static org.imgpipe.model.fast.OneDnnResources.NO_PADDING;
import static org.imgpipe.model.fast.OneDnnResources.UNIT_STRIDES;

/**
 * Model S's inference forward pass for one batch size as a fixed chain of oneDNN primitives, created once:
 * four convolutions with their ReLU (and, after the second and fourth, their batch norm's per-channel
 * affine map) fused as post-ops, two max pools, the dense layer with its ReLU and the output layer as
 * inner products, then a softmax in Java. Activations stay in the blocked layouts oneDNN picks for this
 * CPU from one primitive to the next, and the weights are reordered into their layouts once per model
 * ({@link #load}); DL4J's own path instead creates its primitives and reorders inputs, weights and outputs
 * between NCHW and the blocked layouts on every call. Dropout is the identity at inference. A convolution
 * takes Winograd's algorithm where oneDNN has it for its shape and post-ops, as the training convolutions do
 * ({@code OneDnnConvolution}; {@code -Dimgpipe.convolution-algorithm=direct} turns both off).
 *
 * <p>oneDNN runs on the calling thread's OpenMP team, the one {@code NativeRuntime.useThreads} sizes (the
 * presets' libgomp resolves to the one ND4J loaded); its kernels split their work for the thread count
 * of the thread that created them, so a chain is for one thread count. {@link #load} puts another model of
 * the same shapes into the chain; it may run on any thread with the creator's OpenMP thread count, one at a
 * time (its primitives' scratchpad is the chain's own). Not safe for concurrent use; {@link #close()} frees the
 * native memory (about 0.5 MB per image of the batch size for the activations, plus 7.5 MB of weights, plus the
 * Winograd kernel's scratchpad where it runs: 71 MB at 256 images, 10 MB at 16).
 */
public final class OneDnnForward implements AutoCloseable {
    private static final long[] POOL = {2, 2};

    private final int batchSize;
    private final int imageSize;
    private final int channels;
    private final int numClasses;
    private final memory input;
    private final memory logits;
    private final List<primitive> chain = new ArrayList<>();
    private final List<IntMemoryMap> arguments = new ArrayList<>();
    /** Each primitive's scratchpad layout, by primitive, null where it needs none; until {@link #shareScratchpad}. */
    private final List<memory.desc> scratchpads = new ArrayList<>();
    private final OneDnnResources resources = new OneDnnResources();
    private final List<Parameter> parameters = new ArrayList<>();
    /** oneDNN's name for each convolution's kernel, e.g. {@code jit_wino_4x3:avx512_core}, in layer order. */
    private final List<String> convolutionKernels = new ArrayList<>();
    /** Each primitive's scratchpad mode as its descriptor reports it, in chain order. */
    private final List<dnnl.scratchpad_mode> scratchpadModes = new ArrayList<>();

    /**
     * A weight, bias or batch-norm memory of the chain: where its values come from in a folded model, how
     * many there are, and their plain layout when the primitive chose another (null when it is the plain one).
     */
    private record Parameter(memory target, memory.desc plain, Function<FoldedModelS, float[]> values,
                             int length) {
    }

    /**
     * Creates the primitives and loads the model's parameters into them.
     *
     * @param model     the folded parameters
     * @param batchSize the number of images every {@link #probabilities} call takes, at least 1
     * @param imageSize the side of the square images, in pixels; {@code FoldedModelS.pooledSide(imageSize)}
     *                  must be the model's {@code pooledSide()}
     * @throws IllegalArgumentException when batchSize is below 1 or the image size does not fit the model
     * @throws RuntimeException         (oneDNN's {@code dnnl.error}) when oneDNN cannot create a primitive;
     *                                  what was created is freed
     */
    public OneDnnForward(FoldedModelS model, int batchSize, int imageSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        if (FoldedModelS.pooledSide(imageSize) != model.pooledSide()) {
            throw new IllegalArgumentException(imageSize + "x" + imageSize + " images do not fit the model's dense"
                    + " layer (it takes " + model.pooledSide() + "x" + model.pooledSide() + " pooled activations)");
        }
        this.batchSize = batchSize;
        this.imageSize = imageSize;
        this.channels = model.inChannels(0);
        this.numClasses = model.numClasses();
        try {
            memory.desc in = resources.desc(memory.format_tag.nchw, batchSize, channels, imageSize, imageSize);
            // No buffer of its own: each call points it at the caller's features.
            input = own(new memory(in, resources.cpu(), (Pointer) null));
            memory current = input;
            long side = imageSize;
            for (int l = 0; l < FoldedModelS.CONVOLUTIONS; l++) {
                side -= 2;
                current = convolution(model, l, current, side);
                if (FoldedModelS.feedsPool(l)) {
                    side /= 2;
                    current = maxPool(current, model.outChannels(l), side);
                }
            }
            logits = output(model, dense(model, current, side));
            shareScratchpad();
            load(model);
        } catch (RuntimeException creationFailed) {
            close();
            throw creationFailed;
        }
    }

    /**
     * Loads another model's parameters into the chain (reordered into the layouts its primitives chose), so
     * that a model of the same shapes runs on the primitives and activation memory already there: creating a
     * chain for 256 images and running its first batch on memory the process had not touched took ~0.5 s more
     * than a batch on a warm chain, loading the 7.5 MB of parameters takes milliseconds.
     *
     * @param model folded parameters with the shapes of the model the chain was created for
     *              ({@link FoldedModelS#sameShapes})
     * @throws IllegalArgumentException when a parameter's length differs from the chain's (nothing is loaded)
     * @throws IllegalStateException    after {@link #close()}
     */
    public void load(FoldedModelS model) {
        resources.requireOpen("chain");
        for (Parameter p : parameters) {
            if (p.values().apply(model).length != p.length()) {
                throw new IllegalArgumentException("the model's parameters do not fit this chain: "
                        + p.values().apply(model).length + " values where the chain holds " + p.length());
            }
        }
        for (Parameter p : parameters) {
            float[] values = p.values().apply(model);
            if (p.plain() == null) {
                copyInto(p.target(), values);
                continue;
            }
            try (memory user = copyInto(new memory(p.plain(), resources.cpu()), values);
                 reorder step = new reorder(user, p.target())) {
                step.execute(resources.stream(), user, p.target());
                resources.stream()._wait();
            }
        }
    }

    /**
     * Runs the chain on one batch, reading the features where ND4J keeps them (no copy).
     *
     * @param features {@code [batchSize, 3, S, S]} NCHW floats 0..255 with C-order strides at the start of
     *                 their buffer (a view at an offset, a permuted or strided one: {@code dup('c')} it first)
     * @return {@code [batchSize * classes]} softmax probabilities, row after row
     * @throws IllegalArgumentException when the features are not such an array
     * @throws IllegalStateException    after {@link #close()}
     */
    public float[] probabilities(INDArray features) {
        long[] expected = {batchSize, channels, imageSize, imageSize};
        if (features.dataType() != DataType.FLOAT || !Arrays.equals(features.shape(), expected)
                || !plainCOrder(features)) {
            throw new IllegalArgumentException("expected C-order floats of shape " + Arrays.toString(expected)
                    + " at offset 0, got " + features.dataType() + " " + Arrays.toString(features.shape())
                    + " with strides " + Arrays.toString(features.stride()) + " at offset " + features.offset());
        }
        resources.requireOpen("chain");
        try {
            input.set_data_handle(features.data().addressPointer());
            for (int i = 0; i < chain.size(); i++) {
                chain.get(i).execute(resources.stream(), arguments.get(i));
            }
            resources.stream()._wait();
        } finally {
            // The pointer above does not keep ND4J's buffer alive: without this a collection during the
            // chain could free the features under oneDNN.
            Reference.reachabilityFence(features);
        }
        float[] out = new float[batchSize * numClasses];
        new FloatPointer(logits.get_data_handle()).capacity(out.length).get(out);
        softmaxRows(out, numClasses);
        return out;
    }

    /**
     * Replaces each row of logits by its softmax, {@code exp(x - max) / sum}, as DL4J's softmax activation.
     *
     * @param values  {@code [rows * width]} logits, replaced in place
     * @param width   the row length
     */
    static void softmaxRows(float[] values, int width) {
        for (int from = 0; from < values.length; from += width) {
            float max = Float.NEGATIVE_INFINITY;
            for (int k = from; k < from + width; k++) {
                max = Math.max(max, values[k]);
            }
            double sum = 0;
            for (int k = from; k < from + width; k++) {
                values[k] = (float) Math.exp(values[k] - max);
                sum += values[k];
            }
            for (int k = from; k < from + width; k++) {
                values[k] = (float) (values[k] / sum);
            }
        }
    }

    /**
     * @param array any array
     * @return whether its elements lie in C order from the start of its buffer, as {@link #probabilities} reads
     *     them
     */
    public static boolean plainCOrder(INDArray array) {
        return array.ordering() == 'c' && array.offset() == 0 && Shape.hasDefaultStridesForShape(array);
    }

    /** @return oneDNN's name for each convolution's kernel in layer order; for tests, which check the algorithm */
    List<String> convolutionKernels() {
        return List.copyOf(convolutionKernels);
    }

    /** @return each primitive's scratchpad mode in chain order; for tests, which check that all are the chain's */
    List<dnnl.scratchpad_mode> scratchpadModes() {
        return List.copyOf(scratchpadModes);
    }

    /** Frees the primitives, the weights and the activations; the chain cannot run afterwards. */
    @Override
    public void close() {
        resources.close();
        parameters.clear();
        chain.clear();
        arguments.clear();
        scratchpads.clear();
    }

    private memory convolution(FoldedModelS model, int l, memory src, long side) {
        int out = model.outChannels(l);
        int in = model.inChannels(l);
        memory.desc bias = resources.desc(memory.format_tag.x, out);
        post_ops post = own(new post_ops());
        post.append_eltwise(1f, dnnl.algorithm.eltwise_relu, 0f, 0f);
        boolean affine = FoldedModelS.feedsPool(l);
        memory.desc perChannel = affine ? resources.desc(memory.format_tag.nchw, 1, out, 1, 1) : null;
        if (affine) {
            post.append_binary(dnnl.algorithm.binary_mul, perChannel);
            post.append_binary(dnnl.algorithm.binary_add, perChannel);
        }
        primitive_attr attributes = attributes(post);
        // Winograd where oneDNN has it with these post-ops: conv2d_3 alone in Model S (conv2d_1 has 3 input
        // channels, and the kernel takes no binary post-op, which the two convolutions before a pooling carry).
        convolution_forward.primitive_desc pd = OneDnnConvolution.winogradWhereAvailable(algorithm -> {
            convolution_forward.desc op = own(new convolution_forward.desc(dnnl.prop_kind.forward_inference,
                    algorithm, own(src.get_desc()), resources.desc(memory.format_tag.any, out, in, 3, 3), bias,
                    resources.desc(memory.format_tag.any, batchSize, out, side, side), UNIT_STRIDES, NO_PADDING,
                    NO_PADDING));
            return own(new convolution_forward.primitive_desc(op, attributes, resources.cpu()));
        });
        convolutionKernels.add(pd.impl_info_str().getString());
        memory dst = own(new memory(own(pd.dst_desc()), resources.cpu()));
        IntMemoryMap args = own(new IntMemoryMap());
        args.put(dnnl.DNNL_ARG_SRC, src);
        args.put(dnnl.DNNL_ARG_WEIGHTS, parameter(model, own(pd.weights_desc()),
                resources.desc(memory.format_tag.oihw, out, in, 3, 3), m -> m.convKernel(l)));
        args.put(dnnl.DNNL_ARG_BIAS, parameter(model, bias, null, m -> m.convBias(l)));
        args.put(dnnl.DNNL_ARG_DST, dst);
        if (affine) {
            // Post-op 0 is the ReLU; 1 and 2 take the batch norm's scale and shift.
            args.put(postOpSource(1), parameter(model, perChannel, null, m -> m.postScale(l)));
            args.put(postOpSource(2), parameter(model, perChannel, null, m -> m.postShift(l)));
        }
        add(new convolution_forward(pd), args, pd);
        return dst;
    }

    private memory maxPool(memory src, int planes, long side) {
        pooling_forward.desc op = own(new pooling_forward.desc(dnnl.prop_kind.forward_inference,
                dnnl.algorithm.pooling_max, own(src.get_desc()),
                resources.desc(memory.format_tag.any, batchSize, planes, side, side), POOL, POOL, NO_PADDING,
                NO_PADDING));
        pooling_forward.primitive_desc pd = own(new pooling_forward.primitive_desc(op, attributes(null),
                resources.cpu()));
        memory dst = own(new memory(own(pd.dst_desc()), resources.cpu()));
        IntMemoryMap args = own(new IntMemoryMap());
        args.put(dnnl.DNNL_ARG_SRC, src);
        args.put(dnnl.DNNL_ARG_DST, dst);
        add(new pooling_forward(pd), args, pd);
        return dst;
    }

    /**
     * The flatten and the dense layer in one inner product over the 4-D pooled activations: its weights
     * {@code [units, channels, side, side]} are the dense kernel {@code [flat, units]} read through strides,
     * flat = (channel, row, column) as the graph's flatten orders it.
     */
    private memory dense(FoldedModelS model, memory src, long side) {
        int units = model.denseUnits();
        long channels = model.outChannels(3);
        long[] dims = {units, channels, side, side};
        memory.desc userWeights = own(new memory.desc(dims, memory.data_type.f32,
                new long[]{1, side * side * units, side * units, units}));
        memory.desc bias = resources.desc(memory.format_tag.x, units);
        inner_product_forward.desc op = own(new inner_product_forward.desc(dnnl.prop_kind.forward_inference,
                own(src.get_desc()), resources.desc(memory.format_tag.any, dims), bias,
                resources.desc(memory.format_tag.any, batchSize, units)));
        post_ops post = own(new post_ops());
        post.append_eltwise(1f, dnnl.algorithm.eltwise_relu, 0f, 0f);
        inner_product_forward.primitive_desc pd = own(new inner_product_forward.primitive_desc(op,
                attributes(post), resources.cpu()));
        return innerProduct(pd, src, parameter(model, own(pd.weights_desc()), userWeights, FoldedModelS::denseKernel),
                parameter(model, bias, null, FoldedModelS::denseBias));
    }

    private memory output(FoldedModelS model, memory hidden) {
        int units = model.denseUnits();
        memory.desc userWeights = own(new memory.desc(new long[]{numClasses, units}, memory.data_type.f32,
                new long[]{1, numClasses}));
        memory.desc bias = resources.desc(memory.format_tag.x, numClasses);
        inner_product_forward.desc op = own(new inner_product_forward.desc(dnnl.prop_kind.forward_inference,
                own(hidden.get_desc()), resources.desc(memory.format_tag.any, numClasses, units), bias,
                resources.desc(memory.format_tag.nc, batchSize, numClasses)));
        inner_product_forward.primitive_desc pd = own(new inner_product_forward.primitive_desc(op, attributes(null),
                resources.cpu()));
        return innerProduct(pd, hidden, parameter(model, own(pd.weights_desc()), userWeights,
                FoldedModelS::outputKernel), parameter(model, bias, null, FoldedModelS::outputBias));
    }

    private memory innerProduct(inner_product_forward.primitive_desc pd, memory src, memory weights, memory bias) {
        memory dst = own(new memory(own(pd.dst_desc()), resources.cpu()));
        IntMemoryMap args = own(new IntMemoryMap());
        args.put(dnnl.DNNL_ARG_SRC, src);
        args.put(dnnl.DNNL_ARG_WEIGHTS, weights);
        args.put(dnnl.DNNL_ARG_BIAS, bias);
        args.put(dnnl.DNNL_ARG_DST, dst);
        add(new inner_product_forward(pd), args, pd);
        return dst;
    }

    /**
     * Attributes with the chain's own scratchpad. In oneDNN's default mode each thread has one scratchpad buffer,
     * sized by the primitives created on it, and a primitive runs on the buffer of the thread that runs it; a
     * chain is created on one task thread and run on others, whose buffer may be missing or smaller (the JVM
     * crashed in conv2d_3's Winograd kernel, whose scratchpad is large).
     *
     * @param post the post-ops, or null for none
     */
    private primitive_attr attributes(post_ops post) {
        primitive_attr attr = own(new primitive_attr());
        attr.set_scratchpad_mode(dnnl.scratchpad_mode.user);
        if (post != null) {
            attr.set_post_ops(post);
        }
        return attr;
    }

    private void add(primitive step, IntMemoryMap args, primitive_desc_base pd) {
        chain.add(own(step));
        arguments.add(args);
        memory.desc scratchpad = own(pd.scratchpad_desc());
        scratchpads.add(scratchpad.get_size() > 0 ? scratchpad : null);
        scratchpadModes.add(own(pd.get_primitive_attr()).get_scratchpad_mode().intern());
    }

    /** One scratchpad buffer for the whole chain, as large as the largest need: its primitives run one at a time. */
    private void shareScratchpad() {
        long bytes = scratchpads.stream().filter(Objects::nonNull).mapToLong(memory.desc::get_size).max().orElse(0);
        if (bytes > 0) {
            memory buffer = own(new memory(own(new memory.desc(new long[]{bytes}, memory.data_type.u8,
                    memory.format_tag.a)), resources.cpu()));
            for (int i = 0; i < chain.size(); i++) {
                if (scratchpads.get(i) != null) {
                    arguments.get(i).put(dnnl.DNNL_ARG_SCRATCHPAD, own(new memory(scratchpads.get(i),
                            resources.cpu(), buffer.get_data_handle())));
                }
            }
        }
        scratchpads.clear();
    }


    /** The execution argument of a binary post-op's second input: oneDNN's DNNL_ARG_ATTR_MULTIPLE_POST_OP. */
    private static int postOpSource(int postOp) {
        return dnnl.DNNL_ARG_ATTR_MULTIPLE_POST_OP_BASE * (postOp + 1) | dnnl.DNNL_ARG_SRC_1;
    }

    /**
     * A parameter's memory, filled by {@link #load}.
     *
     * @param model  the model the chain is created for, for the parameter's length
     * @param layout the layout the primitive takes it in
     * @param plain  the layout the folded model holds it in, when it differs (a reorder then loads it); else null
     * @param values where the parameter is in a folded model
     */
    private memory parameter(FoldedModelS model, memory.desc layout, memory.desc plain,
                             Function<FoldedModelS, float[]> values) {
        memory m = own(new memory(layout, resources.cpu()));
        parameters.add(new Parameter(m, plain, values, values.apply(model).length));
        return m;
    }

    private static memory copyInto(memory m, float[] values) {
        new FloatPointer(m.get_data_handle()).capacity(values.length).put(values);
        return m;
    }

    private <T extends Pointer> T own(T pointer) {
        return resources.own(pointer);
    }
}
