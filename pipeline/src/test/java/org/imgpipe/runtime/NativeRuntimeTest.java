package org.imgpipe.runtime;

import org.junit.jupiter.api.Test;
import org.nd4j.nativeblas.NativeOps;
import org.nd4j.nativeblas.NativeOpsHolder;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NativeRuntimeTest {
    private static final Set<String> AVX512 = Set.of("sse2", "avx2", "fma", "avx512f", "avx512bw", "avx512vl");
    private static final Set<String> AVX2 = Set.of("sse2", "avx2", "fma");

    @Test
    void picksTheFastestBuildTheCpuCanRun() {
        Set<String> all = Set.of("", "-onednn", "-onednn-avx2", "-onednn-avx512");
        assertEquals("-onednn-avx512", NativeRuntime.selectExtension(AVX512, all::contains));
        assertEquals("-onednn-avx2", NativeRuntime.selectExtension(AVX2, all::contains));
        assertEquals("-onednn", NativeRuntime.selectExtension(Set.of("sse2"), all::contains));
    }

    @Test
    void fallsBackToWhatIsOnTheClasspath() {
        assertEquals("-onednn", NativeRuntime.selectExtension(AVX512, Set.of("-onednn")::contains));
        assertEquals("", NativeRuntime.selectExtension(AVX2, Set.of("", "-avx512")::contains));
        assertNull(NativeRuntime.selectExtension(AVX2, Set.of("-avx512")::contains));
    }

    @Test
    void oneDnnRunsAvx512OnlyOnAnAvx512CoreCpuThatNoIsaLimitHoldsBelowIt() {
        Set<String> avx512Core = new HashSet<>(AVX512);
        avx512Core.add("avx512dq");
        assertTrue(NativeRuntime.oneDnnRunsAvx512(avx512Core, Map.of()));
        assertTrue(NativeRuntime.oneDnnRunsAvx512(avx512Core, Map.of("DNNL_MAX_CPU_ISA", "avx512_core_vnni")));
        assertTrue(NativeRuntime.oneDnnRunsAvx512(avx512Core, Map.of("ONEDNN_MAX_CPU_ISA", "ALL")));
        assertTrue(NativeRuntime.oneDnnRunsAvx512(avx512Core, Map.of("DNNL_MAX_CPU_ISA", "no-such-isa")),
                "a value oneDNN does not know sets no limit");
        assertFalse(NativeRuntime.oneDnnRunsAvx512(avx512Core, Map.of("DNNL_MAX_CPU_ISA", "AVX2")));
        assertFalse(NativeRuntime.oneDnnRunsAvx512(avx512Core, Map.of("ONEDNN_MAX_CPU_ISA", "avx2_vnni")));
        assertTrue(NativeRuntime.oneDnnRunsAvx512(avx512Core,
                Map.of("ONEDNN_MAX_CPU_ISA", "AVX512_CORE", "DNNL_MAX_CPU_ISA", "AVX2")), "the ONEDNN_ prefix first");
        assertFalse(NativeRuntime.oneDnnRunsAvx512(AVX512, Map.of()), "no avx512dq: not oneDNN's avx512_core");
        assertFalse(NativeRuntime.oneDnnRunsAvx512(AVX2, Map.of()));
        assertFalse(NativeRuntime.oneDnnRunsAvx512(Set.of(), Map.of()));
    }

    @Test
    void tasksTimesThreadsNeverExceedsTheCores() {
        assertEquals(2, NativeRuntime.threadsPerTask(2, 1));
        assertEquals(1, NativeRuntime.threadsPerTask(2, 2));
        assertEquals(1, NativeRuntime.threadsPerTask(2, 4));
        assertEquals(4, NativeRuntime.threadsPerTask(16, 4));
    }

    @Test
    void eachThreadRunsNativeOpsOnTheOpenMpTeamItAskedFor() throws InterruptedException {
        NativeRuntime.prepare();
        int cores = Runtime.getRuntime().availableProcessors();
        try {
            NativeRuntime.useThreads(2);
            NativeOps ops = NativeOpsHolder.getInstance().getDeviceNativeOps();
            assertEquals(2, ops.ompGetMaxThreads());
            int[] seenByTask = new int[1];
            Thread task = new Thread(() -> {
                NativeRuntime.useThreads(1);
                seenByTask[0] = ops.ompGetMaxThreads();
            });
            task.start();
            task.join();
            assertEquals(1, seenByTask[0]);
            assertEquals(2, ops.ompGetMaxThreads(), "a team size belongs to the thread that set it");
        } finally {
            NativeRuntime.useThreads(cores);
        }
    }
}
