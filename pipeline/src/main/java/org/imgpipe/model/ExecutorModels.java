package org.imgpipe.model;

import org.apache.spark.broadcast.Broadcast;
import org.imgpipe.runtime.NativeRuntime;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The one inference path of the executors (evaluation and scoring). Deserialized copies of a
 * broadcast model, each with its {@link ModelSPredictor}, are kept per executor JVM so that each task
 * does not rebuild the network. A predictor is not safe for concurrent use, so a task borrows a copy for
 * its partition and gives it back when the lease closes, also when the task fails: an executor ends up with one
 * copy per concurrent task. Idle copies of another broadcast (last epoch's model) are freed when a
 * task first borrows the new one, before its copy is built; a copy lent out meanwhile is freed when it
 * comes back.
 */
public final class ExecutorModels {
    private static long broadcastId = -1;
    private static final Deque<ModelSPredictor> IDLE = new ArrayDeque<>();

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
            if (broadcastId != model.id()) {
                // Freed before the new copy is built: an executor then never holds two models' oneDNN chains
                // at once (five 10,000-image scoring runs in one JVM peaked at 2.16 instead of 2.58 GB resident),
                // and the new chains can reuse the freed memory where the C heap keeps it (scripts/env.sh's
                // malloc thresholds) rather than fault it in afresh (a 256-image chain's first batch took ~0.5 s
                // longer on fresh pages).
                IDLE.forEach(ModelSPredictor::close);
                IDLE.clear();
                broadcastId = model.id();
            } else if (!IDLE.isEmpty()) {
                return new Lease(model, IDLE.pop());
            }
        }
        return new Lease(model, ModelSPredictor.of(model.value().restore()));
    }

    private static void giveBack(Broadcast<ShippedModel> model, ModelSPredictor predictor) {
        synchronized (IDLE) {
            if (broadcastId == model.id()) {
                IDLE.push(predictor);
                return;
            }
        }
        // A copy of a model that another broadcast replaced while this copy was lent.
        predictor.close();
    }
}
