package org.imgpipe.model;

import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Deserialized copies of a broadcast model, kept per executor JVM so that each task does not
 * rebuild the network. A ComputationGraph is not safe for concurrent inference, so a task borrows a
 * copy for its partition and gives it back: an executor ends up with one copy per concurrent task.
 * Copies of an older broadcast (last epoch's model) are dropped when a newer one is given back.
 */
public final class ExecutorModels {
    private static long broadcastId = -1;
    private static final Deque<ComputationGraph> IDLE = new ArrayDeque<>();

    private ExecutorModels() {
    }

    public static ComputationGraph borrow(Broadcast<byte[]> model) throws IOException {
        synchronized (IDLE) {
            if (broadcastId == model.id() && !IDLE.isEmpty()) {
                return IDLE.pop();
            }
        }
        return ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(model.value()), false);
    }

    public static void giveBack(Broadcast<byte[]> model, ComputationGraph graph) {
        synchronized (IDLE) {
            if (broadcastId != model.id()) {
                IDLE.clear();
                broadcastId = model.id();
            }
            IDLE.push(graph);
        }
    }
}
