package org.imgpipe.model;

import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.imgpipe.runtime.NativeRuntime;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/**
 * The one inference path of the executors (evaluation and scoring). Deserialized copies of a
 * broadcast model are kept per executor JVM so that each task does not rebuild the network. A
 * ComputationGraph is not safe for concurrent inference, so a task borrows a copy for its partition
 * and gives it back when the lease closes, also when the task fails: an executor ends up with one
 * copy per concurrent task. Copies of an older broadcast (last epoch's model) are dropped when a
 * newer one is given back.
 */
public final class ExecutorModels {
    private static long broadcastId = -1;
    private static final Deque<ComputationGraph> IDLE = new ArrayDeque<>();

    private ExecutorModels() {
    }

    /** A task's use of one copy of the model; close it (try-with-resources) to give the copy back. */
    public static final class Lease implements AutoCloseable {
        private final Broadcast<ShippedModel> model;
        private final ComputationGraph graph;

        private Lease(Broadcast<ShippedModel> model, ComputationGraph graph) {
            this.model = model;
            this.graph = graph;
        }

        /**
         * @param features {@code [N, 3, S, S]} NCHW floats 0..255, S the model's image size
         * @return {@code [N][K]} softmax probabilities, K the number of classes
         */
        public float[][] probabilities(INDArray features) {
            return rows(graph.output(false, features)[0]);
        }

        @Override
        public void close() {
            giveBack(model, graph);
        }
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
        // One copy of the whole matrix: ND4J's toFloatMatrix duplicates every row on its own (~9 ms for
        // [256, 10], 6 % of a scoring task).
        int n = (int) matrix.size(0);
        int k = (int) matrix.size(1);
        if (n == 0) {
            return new float[0][];
        }
        float[] flat = matrix.dup('c').data().asFloat();
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) {
            out[i] = Arrays.copyOfRange(flat, i * k, (i + 1) * k);
        }
        return out;
    }

    /**
     * Borrows this executor's idle copy of the model, or deserializes a new one, and sets the task's
     * ND4J threads.
     *
     * @param model          the model, broadcast by the driver
     * @param threadsPerTask ND4J/oneDNN threads for this task (cores / concurrent tasks)
     * @return the lease
     */
    public static Lease borrow(Broadcast<ShippedModel> model, int threadsPerTask) {
        NativeRuntime.useThreads(threadsPerTask);
        synchronized (IDLE) {
            if (broadcastId == model.id() && !IDLE.isEmpty()) {
                return new Lease(model, IDLE.pop());
            }
        }
        return new Lease(model, model.value().restore());
    }

    private static void giveBack(Broadcast<ShippedModel> model, ComputationGraph graph) {
        synchronized (IDLE) {
            if (broadcastId != model.id()) {
                IDLE.clear();
                broadcastId = model.id();
            }
            IDLE.push(graph);
        }
    }
}
