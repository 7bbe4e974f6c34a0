package org.imgpipe.model;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.imgpipe.SparkTestSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The executor's pool of model copies: one copy per concurrent lease, a returned copy lent again for the
 * same broadcast, and the copies of a replaced broadcast freed (their oneDNN chains closed) before the
 * new broadcast's first copy is built, or when a copy lent out meanwhile comes back.
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
    void freesTheCopiesOfAReplacedBroadcast() {
        Broadcast<ShippedModel> old = jsc.broadcast(shipped);
        Broadcast<ShippedModel> replacement = jsc.broadcast(shipped);
        ModelSPredictor idle;
        try (ExecutorModels.Lease lease = used(ExecutorModels.borrow(old, 1))) {
            idle = lease.predictor();
        }
        ExecutorModels.Lease lentOut = used(ExecutorModels.borrow(old, 1));
        assertSame(idle, lentOut.predictor());
        ExecutorModels.Lease idleAgain = used(ExecutorModels.borrow(old, 1));
        ModelSPredictor idleCopy = idleAgain.predictor();
        idleAgain.close();
        assertEquals(1, idleCopy.chains(), "a used copy holds its chain (oneDNN runs here)");

        ModelSPredictor current;
        try (ExecutorModels.Lease fresh = used(ExecutorModels.borrow(replacement, 1))) {
            current = fresh.predictor();
            assertNotSame(idleCopy, current);
            assertNotSame(idle, current);
            assertEquals(0, idleCopy.chains(), "the idle copy of the old broadcast is freed first");
        }
        lentOut.close();
        assertEquals(0, idle.chains(), "a copy of the old broadcast coming back is freed");
        try (ExecutorModels.Lease next = ExecutorModels.borrow(replacement, 1)) {
            assertSame(current, next.predictor(), "the old copy is not lent again");
        }
        old.destroy();
        replacement.destroy();
    }
}
