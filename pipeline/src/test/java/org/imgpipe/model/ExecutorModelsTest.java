package org.imgpipe.model;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.imgpipe.SparkTestSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The executor's pool of model copies: one copy per concurrent lease, a returned copy lent again for the
 * same broadcast, and the copies of a replaced broadcast, idle or lent out when it was replaced, giving
 * their oneDNN chains to the new broadcast's copies, which predict with the new parameters, and those none
 * took over freed once a new copy comes back.
 */
class ExecutorModelsTest {
    private static JavaSparkContext jsc;
    private static ShippedModel shipped;

    @BeforeAll
    static void start() {
        jsc = JavaSparkContext.fromSparkContext(SparkTestSession.get().sparkContext());
        shipped = ShippedModel.of(ModelS.build(ModelS.Spec.reference()));
    }

    /** Runs the lease's copy once, so that it holds a chain when oneDNN is there. */
    private static ExecutorModels.Lease used(ExecutorModels.Lease lease) {
        lease.probabilities(Nd4j.rand(DataType.FLOAT, 2, 3, 32, 32).muli(255));
        return lease;
    }

    @Test
    void lendsOneCopyPerConcurrentLeaseAndReusesReturnedCopies() {
        Broadcast<ShippedModel> model = jsc.broadcast(shipped);
        ModelSPredictor first;
        ModelSPredictor second;
        try (ExecutorModels.Lease a = ExecutorModels.borrow(model, 1);
             ExecutorModels.Lease b = ExecutorModels.borrow(model, 1)) {
            first = a.predictor();
            second = b.predictor();
            assertNotSame(first, second);
        }
        try (ExecutorModels.Lease again = ExecutorModels.borrow(model, 1)) {
            assertTrue(again.predictor() == first || again.predictor() == second);
        }
        model.destroy();
    }

    @Test
    void aNewBroadcastTakesOverTheChainsOfTheReplacedCopies() {
        Broadcast<ShippedModel> old = jsc.broadcast(shipped);
        ComputationGraph nextModel = ModelS.build(ModelS.Spec.reference(10, 7));
        Broadcast<ShippedModel> replacement = jsc.broadcast(ShippedModel.of(nextModel));
        ExecutorModels.Lease lentOut = used(ExecutorModels.borrow(old, 1));
        ModelSPredictor idle;
        try (ExecutorModels.Lease lease = used(ExecutorModels.borrow(old, 1))) {
            idle = lease.predictor();
        }
        assertEquals(1, idle.chains(), "a used copy holds its chain (oneDNN runs here)");

        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 3, 32, 32).muli(255);
        ModelSPredictor first;
        try (ExecutorModels.Lease fresh = ExecutorModels.borrow(replacement, 1)) {
            first = fresh.predictor();
            assertEquals(0, idle.chains(), "the idle old copy's chain moved to the new copy");
            assertEquals(1, first.chains());
            float[][] expected = ModelSPredictor.rows(nextModel.output(false, x)[0]);
            float[][] actual = fresh.probabilities(x);
            for (int i = 0; i < expected.length; i++) {
                assertArrayEquals(expected[i], actual[i], 1e-5f, "the new model's parameters, row " + i);
            }
            ModelSPredictor lentOutCopy = lentOut.predictor();
            lentOut.close();
            assertEquals(1, lentOutCopy.chains(), "the old copy coming back is kept for the next new copy");
            try (ExecutorModels.Lease second = ExecutorModels.borrow(replacement, 1)) {
                assertNotSame(first, second.predictor());
                assertEquals(0, lentOutCopy.chains(), "its chain moved too");
                assertEquals(1, second.predictor().chains());
            }
        }
        try (ExecutorModels.Lease again = ExecutorModels.borrow(replacement, 1)) {
            assertNotSame(idle, again.predictor(), "an old copy is not lent again");
        }
        old.destroy();
        replacement.destroy();
    }

    @Test
    void replacedCopiesNoNewCopyTookOverAreFreedWhenANewCopyComesBack() {
        Broadcast<ShippedModel> old = jsc.broadcast(shipped);
        Broadcast<ShippedModel> replacement = jsc.broadcast(shipped);
        ModelSPredictor a;
        ModelSPredictor b;
        try (ExecutorModels.Lease first = used(ExecutorModels.borrow(old, 1));
             ExecutorModels.Lease second = used(ExecutorModels.borrow(old, 1))) {
            a = first.predictor();
            b = second.predictor();
        }
        assertEquals(2, a.chains() + b.chains(), "two idle copies of the old broadcast, a chain each");
        try (ExecutorModels.Lease one = used(ExecutorModels.borrow(replacement, 1))) {
            assertEquals(1, a.chains() + b.chains(), "one old copy taken over, the other waiting");
        }
        assertEquals(0, a.chains() + b.chains(), "the one left over is freed once the new copy is back");
        old.destroy();
        replacement.destroy();
    }
}
