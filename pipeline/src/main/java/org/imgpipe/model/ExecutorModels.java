package org.imgpipe.model;

import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.imgpipe.runtime.NativeRuntime;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The one inference path of the executors (evaluation and scoring). Deserialized copies of a
 * broadcast model, each with its {@link ModelSPredictor}, are kept per executor JVM so that each task
 * does not rebuild the network. A predictor is not safe for concurrent use, so a task borrows a copy for
 * its partition and gives it back when the lease closes, also when the task fails: an executor ends up with one
 * copy per concurrent task. A copy of a new broadcast (the next epoch's model, the next scoring run's) takes
 * over the oneDNN chains of an idle copy of a replaced one ({@link ModelSPredictor#of(ComputationGraph,
 * ModelSPredictor)}), so an executor never holds two models' chains for one task slot and runs the new model
 * on memory it has already touched; a copy lent out when its broadcast was replaced is taken over once it
 * comes back. Replaced copies that no new copy took over are freed when a copy of the new broadcast comes
 * back: by then the stage's concurrent tasks have their copies (a scoring run on fewer task slots than the
 * training before it would otherwise keep the extra graphs and chains for the executor's life).
 */
public final class ExecutorModels {
    private static long broadcastId = -1;
    /** Idle copies of the broadcast {@link #broadcastId}. */
    private static final Deque<ModelSPredictor> IDLE = new ArrayDeque<>();
    /** Idle copies of broadcasts it replaced, whose chains the next new copies take over. */
    private static final Deque<ModelSPredictor> REPLACED = new ArrayDeque<>();

    private ExecutorModels() {
    }

    /** A task's use of one copy of the model; close it (try-with-resources) to give the copy back. */
    public static final class Lease implements AutoCloseable {
        private final Broadcast<ShippedModel> model;
        private final ModelSPredictor predictor;

        private Lease(Broadcast<ShippedModel> model, ModelSPredictor predictor) {
            this.model = model;
            this.predictor = predictor;
        }

        /**
         * @param features {@code [N, 3, S, S]} NCHW floats 0..255, S the model's image size
         * @return {@code [N][K]} softmax probabilities, K the number of classes
         * @throws IllegalArgumentException when the features' shape is not {@code [N, 3, S, S]}
         */
        public float[][] probabilities(INDArray features) {
            return predictor.probabilities(features);
        }

        /** @return the copy lent; for tests, which check which copy a lease gets */
        ModelSPredictor predictor() {
            return predictor;
        }

        @Override
        public void close() {
            giveBack(model, predictor);
        }
    }

    /**
     * Borrows this executor's idle copy of the model, or deserializes a new one (taking over the chains of an
     * idle copy of a replaced broadcast where there is one), and sets the task's ND4J threads.
     *
     * @param model          the model, broadcast by the driver
     * @param threadsPerTask ND4J/oneDNN threads for this task (cores / concurrent tasks)
     * @return the lease
     */
    public static Lease borrow(Broadcast<ShippedModel> model, int threadsPerTask) {
        NativeRuntime.useThreads(threadsPerTask);
        ModelSPredictor replaced;
        synchronized (IDLE) {
            if (broadcastId != model.id()) {
                REPLACED.addAll(IDLE);
                IDLE.clear();
                broadcastId = model.id();
            } else if (!IDLE.isEmpty()) {
                return new Lease(model, IDLE.pop());
            }
            replaced = REPLACED.poll();
        }
        ComputationGraph graph = model.value().restore();
        return new Lease(model, replaced == null ? ModelSPredictor.of(graph) : ModelSPredictor.of(graph, replaced));
    }

    private static void giveBack(Broadcast<ShippedModel> model, ModelSPredictor predictor) {
        List<ModelSPredictor> unneeded = List.of();
        synchronized (IDLE) {
            if (broadcastId != model.id()) {
                REPLACED.push(predictor);
                return;
            }
            IDLE.push(predictor);
            unneeded = new ArrayList<>(REPLACED);
            REPLACED.clear();
        }
        unneeded.forEach(ModelSPredictor::close);
    }
}
