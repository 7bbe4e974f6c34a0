package org.imgpipe.model.fast;

import org.imgpipe.runtime.NativeRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FloatArraysTest {
    @BeforeAll
    static void nd4j() {
        NativeRuntime.prepare();
    }

    @AfterEach
    void allCoresAgain() {
        NativeRuntime.useThreads(Runtime.getRuntime().availableProcessors());
    }

    /** Runs the call on a new thread, as a Spark executor runs a task, and returns its result or rethrows its failure. */
    private static <T> T onTaskThread(Callable<T> call) throws Exception {
        FutureTask<T> task = new FutureTask<>(call);
        new Thread(task).start();
        return task.get();
    }

    @Test
    void aTaskOfOneThreadRunsTheHelpersLoopsInOrderOnItsOwnThread() throws Exception {
        List<Integer> seen = onTaskThread(() -> {
            NativeRuntime.useThreads(1);
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
        assertFalse(onTaskThread(() -> {
            NativeRuntime.useThreads(1);
            return FloatArrays.indices(64).isParallel();
        }));
    }

    @Test
    void noIndicesRunNothing() throws Exception {
        assertEquals(0L, onTaskThread(() -> {
            NativeRuntime.useThreads(1);
            return FloatArrays.indices(0).count();
        }));
    }
}
