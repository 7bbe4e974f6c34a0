package org.imgpipe.model.fast;

import org.imgpipe.runtime.NativeRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FloatArraysTest {
    private int threadsBefore;

    @BeforeAll
    static void nd4j() {
        NativeRuntime.prepare();
    }

    @BeforeEach
    void rememberThreads() {
        threadsBefore = Nd4j.getEnvironment().maxThreads();
    }

    @AfterEach
    void restoreThreads() {
        // useThreads also sets ND4J's process-wide limit, which the other tests in this JVM read.
        NativeRuntime.useThreads(threadsBefore);
    }

    /** Runs the call on a new thread, as an executor runs a task, and returns its result or rethrows its failure. */
    private static <T> T onTaskThread(Callable<T> call) throws Exception {
        FutureTask<T> task = new FutureTask<>(call);
        new Thread(task).start();
        return task.get();
    }

    @Test
    void aTaskOfOneThreadRunsTheHelpersLoopsInOrderOnItsOwnThread() throws Exception {
        List<Integer> seen = onTaskThread(() -> {
            NativeRuntime.useThreads(1);
            assertFalse(FloatArrays.indices(64).isParallel());
            Thread task = Thread.currentThread();
            List<Integer> here = Collections.synchronizedList(new ArrayList<>());
            FloatArrays.indices(64).forEach(i -> here.add(Thread.currentThread() == task ? i : -1));
            return here;
        });
        assertEquals(IntStream.range(0, 64).boxed().toList(), seen);
    }

    @Test
    void aTaskOfTwoThreadsRunsThemInParallel() throws Exception {
        assertTrue(onTaskThread(() -> {
            NativeRuntime.useThreads(2);
            return FloatArrays.indices(64).isParallel();
        }));
    }

    @Test
    void theBatchNormSumsAreTheSameInOrderAsInParallel() throws Exception {
        Nd4j.getRandom().setSeed(7);
        INDArray x = Nd4j.rand(DataType.FLOAT, 8, 32, 6, 6).muli(10).subi(3);
        INDArray dy = Nd4j.rand(DataType.FLOAT, 8, 32, 6, 6).subi(0.5);
        Callable<List<Object>> sums = () -> {
            ChannelBlockSums.Statistics s = ChannelBlockSums.statistics(x);
            ChannelBlockSums.GradientSums g = ChannelBlockSums.gradientSums(x, dy, s.mean());
            return List.of(s.mean(), s.variance(), g.dy(), g.dyTimesCentred());
        };
        List<Object> inOrder = onTaskThread(() -> {
            NativeRuntime.useThreads(1);
            return sums.call();
        });
        List<Object> parallel = onTaskThread(() -> {
            NativeRuntime.useThreads(2);
            return sums.call();
        });
        assertArrayEquals((float[]) parallel.get(0), (float[]) inOrder.get(0));
        assertArrayEquals((float[]) parallel.get(1), (float[]) inOrder.get(1));
        assertArrayEquals((double[]) parallel.get(2), (double[]) inOrder.get(2));
        assertArrayEquals((double[]) parallel.get(3), (double[]) inOrder.get(3));
    }
}
