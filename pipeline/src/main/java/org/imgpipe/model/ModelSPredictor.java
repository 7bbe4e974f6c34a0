package org.imgpipe.model;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.imgpipe.model.fast.FoldedModelS;
import org.imgpipe.model.fast.OneDnnForward;
import org.imgpipe.model.fast.OneDnnResources;
import org.imgpipe.runtime.NativeRuntime;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one inference path (evaluation, scoring, validation during training and the benchmark): softmax
 * probabilities of a trained Model S. With the fast path on and oneDNN's presets loadable it runs
 * {@link OneDnnForward}, the forward pass as a fixed chain of oneDNN primitives over the folded parameters
 * ({@link FoldedModelS}), in pieces of at most {@value #MAX_CHAIN_BATCH} images; a chain is created per
 * piece size, image size and thread count, and the last two are kept (a partition's full batches and its
 * last one). Otherwise DL4J's {@code ComputationGraph.output} runs, as before. Both give the same
 * probabilities within float rounding ({@code ModelSPredictorTest}). Not safe for concurrent use: one
 * predictor per task thread.
 */
public final class ModelSPredictor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelSPredictor.class);
    private static final int KEPT_CHAINS = 2;
    /**
     * Bounds a chain's native memory whatever batch size the caller uses: ~0.5 MB an image, plus the Winograd
     * kernel's scratchpad where it runs (~0.28 MB an image).
     */
    static final int MAX_CHAIN_BATCH = 256;

    private final ComputationGraph graph;
    private final FoldedModelS folded;
    /** The chains, least recently used first. */
    private final Map<ChainKey, OneDnnForward> forwards = new LinkedHashMap<>(4, 0.75f, true);

    private record ChainKey(int batchSize, int imageSize, int threads) {
    }

    private ModelSPredictor(ComputationGraph graph, FoldedModelS folded) {
        this.graph = graph;
        this.folded = folded;
    }

    /**
     * A predictor of the graph's current parameters (later changes to the graph are not seen by the oneDNN
     * chain: make a new predictor after training).
     *
     * @param graph a Model S graph ({@link ModelS#build})
     * @return the predictor, on oneDNN when the fast path is on ({@link NativeRuntime#fastPathEnabled()}), the
     *     presets load and the graph has Model S's layers; on DL4J otherwise
     */
    public static ModelSPredictor of(ComputationGraph graph) {
        return new ModelSPredictor(graph, oneDnnEnabled() ? fold(graph) : null);
    }

    /**
     * A predictor of the graph's current parameters that takes over another predictor's oneDNN chains,
     * loading the new parameters into them ({@link OneDnnForward#load}), when both run on oneDNN and the
     * models have the same shapes: a new model of the same architecture (the next epoch's, a new version)
     * then runs without creating primitives or touching fresh activation memory. The previous predictor is
     * closed either way.
     *
     * @param graph    a Model S graph ({@link ModelS#build})
     * @param previous a predictor not used afterwards (its chains are moved or freed)
     * @return the predictor, as {@link #of(ComputationGraph)} would return it
     */
    public static ModelSPredictor of(ComputationGraph graph, ModelSPredictor previous) {
        ModelSPredictor next = of(graph);
        if (next.folded != null && previous.folded != null && next.folded.sameShapes(previous.folded)) {
            previous.forwards.values().forEach(chain -> chain.load(next.folded));
            next.forwards.putAll(previous.forwards);
            previous.forwards.clear();
        }
        previous.close();
        return next;
    }

    /** @return whether this predictor runs oneDNN's chain (false: DL4J's output) */
    public boolean usesOneDnn() {
        return folded != null;
    }

    /**
     * @param features {@code [N, 3, S, S]} NCHW floats 0..255 (other types are converted), any ordering or view;
     *                 S the model's image size: on oneDNN any S whose pooled activations fit the dense layer
     *                 (32..35 for a model built for 32)
     * @return {@code [N][K]} softmax probabilities, K the number of classes; {@code [0][]} for N = 0
     * @throws IllegalArgumentException on oneDNN, when the features are not {@code [N, 3, S, S]} with such an
     *     S (DL4J's output refuses them in its own words)
     */
    public float[][] probabilities(INDArray features) {
        if (features.rank() > 0 && features.size(0) == 0) {
            return new float[0][];
        }
        if (folded == null) {
            return rows(graph.output(false, features)[0]);
        }
        long[] shape = features.shape();
        int side = shape.length == 4 ? (int) shape[2] : -1;
        if (side < 0 || shape[1] != folded.inChannels(0) || shape[3] != side
                || FoldedModelS.pooledSide(side) != folded.pooledSide()) {
            int smallest = 4 * folded.pooledSide() + 12;
            throw new IllegalArgumentException("features of shape " + Arrays.toString(shape) + ", expected [N, "
                    + folded.inChannels(0) + ", S, S] (NCHW) with S in " + smallest + ".." + (smallest + 3)
                    + " (the sizes whose pooled activations fit the model's dense layer)");
        }
        INDArray contiguous = features.dataType() == DataType.FLOAT && OneDnnForward.plainCOrder(features)
                ? features : features.castTo(DataType.FLOAT).dup('c');
        int n = (int) shape[0];
        int k = folded.numClasses();
        float[][] out = new float[n][];
        for (int from = 0; from < n; from += MAX_CHAIN_BATCH) {
            int to = Math.min(n, from + MAX_CHAIN_BATCH);
            INDArray piece = from == 0 && to == n ? contiguous
                    : contiguous.get(NDArrayIndex.interval(from, to), NDArrayIndex.all(), NDArrayIndex.all(),
                    NDArrayIndex.all()).dup('c');
            copyRows(forward(to - from, side).probabilities(piece), k, out, from);
        }
        return out;
    }

    /** @return the oneDNN chains held now (0 on DL4J, and after {@link #close()}) */
    int chains() {
        return forwards.size();
    }

    /** Frees the oneDNN chains' native memory; the predictor stays usable (it creates them again). */
    @Override
    public void close() {
        forwards.values().forEach(OneDnnForward::close);
        forwards.clear();
    }

    /**
     * @param matrix an {@code [N, K]} array of any ordering, possibly a view
     * @return its rows as {@code [N][K]} floats
     * @throws IllegalArgumentException when the array is not a matrix
     */
    static float[][] rows(INDArray matrix) {
        if (matrix.rank() != 2) {
            throw new IllegalArgumentException("expected an [N, K] matrix, got shape "
                    + Arrays.toString(matrix.shape()));
        }
        int n = (int) matrix.size(0);
        if (n == 0) {
            return new float[0][];
        }
        // One copy of the whole matrix: ND4J's toFloatMatrix duplicates every row on its own (~9 ms for
        // [256, 10], 6 % of a scoring task).
        float[][] out = new float[n][];
        copyRows(matrix.dup('c').data().asFloat(), (int) matrix.size(1), out, 0);
        return out;
    }

    /** Splits {@code flat}, rows of {@code k} floats one after another, into {@code out[from..]}. */
    private static void copyRows(float[] flat, int k, float[][] out, int from) {
        for (int i = 0; i < flat.length / k; i++) {
            out[from + i] = Arrays.copyOfRange(flat, i * k, (i + 1) * k);
        }
    }

    private OneDnnForward forward(int batchSize, int side) {
        ChainKey key = new ChainKey(batchSize, side, NativeRuntime.threadsOfThisThread());
        OneDnnForward forward = forwards.get(key);
        if (forward == null) {
            if (forwards.size() == KEPT_CHAINS) {
                Map.Entry<ChainKey, OneDnnForward> eldest = forwards.entrySet().iterator().next();
                eldest.getValue().close();
                forwards.remove(eldest.getKey());
            }
            forward = new OneDnnForward(folded, batchSize, side);
            forwards.put(key, forward);
        }
        return forward;
    }

    private static boolean oneDnnEnabled() {
        if (!NativeRuntime.fastPathEnabled()) {
            return false;
        }
        return OneDnnResources.available();
    }

    private static FoldedModelS fold(ComputationGraph graph) {
        try {
            return FoldedModelS.of(graph);
        } catch (IllegalArgumentException notModelS) {
            LOG.warn("inference runs on DL4J's layers: {}", notModelS.getMessage());
            return null;
        }
    }
}
