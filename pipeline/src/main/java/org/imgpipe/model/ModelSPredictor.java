package org.imgpipe.model;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.imgpipe.model.fast.FoldedModelS;
import org.imgpipe.model.fast.OneDnnForward;
import org.imgpipe.runtime.NativeRuntime;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one inference path (evaluation, scoring, validation during training and the benchmark): softmax
 * probabilities of a trained Model S. With the fast path on and oneDNN's presets loadable it runs
 * {@link OneDnnForward}, the forward pass as a fixed chain of oneDNN primitives over the folded parameters
 * ({@link FoldedModelS}), created once per batch size and kept for the last two batch sizes (a partition's
 * full batches and its last one); otherwise DL4J's {@code ComputationGraph.output}. Both give the same probabilities within float rounding
 * ({@code ModelSPredictorTest}). Not safe for concurrent use: one predictor per task thread.
 */
public final class ModelSPredictor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelSPredictor.class);
    private static final int KEPT_BATCH_SIZES = 2;

    private final ComputationGraph graph;
    private final FoldedModelS folded;
    private final boolean oneDnn;
    /** The chains by batch size and image side ({@code n << 32 | side}), least recently used first. */
    private final Map<Long, OneDnnForward> forwards = new LinkedHashMap<>(4, 0.75f, true);

    private ModelSPredictor(ComputationGraph graph, FoldedModelS folded, boolean oneDnn) {
        this.graph = graph;
        this.folded = folded;
        this.oneDnn = oneDnn;
    }

    /**
     * A predictor of the graph's current parameters (later changes to the graph are not seen by the oneDNN
     * chain: make a new predictor after training).
     *
     * @param graph a Model S graph ({@link ModelS#build})
     * @return the predictor, on oneDNN when the fast path is on ({@link NativeRuntime#fastPathEnabled()}) and
     *     the presets load, on DL4J otherwise
     * @throws IllegalArgumentException when the graph lacks one of Model S's layers
     */
    public static ModelSPredictor of(ComputationGraph graph) {
        return new ModelSPredictor(graph, FoldedModelS.of(graph), oneDnnEnabled());
    }

    /** @return whether this predictor runs oneDNN's chain (false: DL4J's output) */
    public boolean usesOneDnn() {
        return oneDnn;
    }

    /**
     * @param features {@code [N, 3, S, S]} NCHW floats 0..255, S the model's image size, any ordering or view
     * @return {@code [N][K]} softmax probabilities, K the number of classes; {@code [0][]} for N = 0
     * @throws IllegalArgumentException when the features are not {@code [N, 3, S, S]} with S an image size
     *     whose pooled activations fit the model's dense layer (S = 32 or 33 for Model S trained on 32x32)
     */
    public float[][] probabilities(INDArray features) {
        long[] shape = features.shape();
        int side = shape.length == 4 ? (int) shape[2] : -1;
        if (side < 0 || shape[1] != folded.inChannels(0) || shape[3] != side
                || FoldedModelS.pooledSide(side) != folded.pooledSide()) {
            throw new IllegalArgumentException("features of shape " + Arrays.toString(shape) + ", expected [N, "
                    + folded.inChannels(0) + ", S, S] (NCHW), S = "
                    + smallestSide(folded.pooledSide()) + " (the model's image size)");
        }
        int n = (int) shape[0];
        if (n == 0) {
            return new float[0][];
        }
        if (!oneDnn) {
            return rows(graph.output(false, features)[0]);
        }
        INDArray contiguous = features.dataType() == DataType.FLOAT && features.ordering() == 'c'
                && !features.isView() ? features : features.castTo(DataType.FLOAT).dup('c');
        return split(forward(n, side).probabilities(contiguous.data().addressPointer()), n);
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
        return split(matrix.dup('c').data().asFloat(), n);
    }

    private static float[][] split(float[] flat, int n) {
        int k = flat.length / n;
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) {
            out[i] = Arrays.copyOfRange(flat, i * k, (i + 1) * k);
        }
        return out;
    }

    /** The image side whose pooled activations have the given side: the inverse of pooledSide. */
    private static int smallestSide(int pooledSide) {
        return (pooledSide * 2 + 4) * 2 + 4;
    }

    private OneDnnForward forward(int batchSize, int side) {
        long key = (long) batchSize << 32 | side;
        OneDnnForward forward = forwards.get(key);
        if (forward == null) {
            if (forwards.size() == KEPT_BATCH_SIZES) {
                Map.Entry<Long, OneDnnForward> eldest = forwards.entrySet().iterator().next();
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
        boolean loaded = OneDnnForward.available();
        if (!loaded) {
            LOG.warn("oneDNN's presets do not load on this platform: inference runs on DL4J's layers (slower)");
        }
        return loaded;
    }
}
