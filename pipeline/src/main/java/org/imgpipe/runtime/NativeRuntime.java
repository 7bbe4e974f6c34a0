package org.imgpipe.runtime;

import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Sets up ND4J for speed in every JVM that trains or predicts (driver and executors):
 * <ul>
 * <li>turns on DL4J's layer helpers, which 1.0.0-M2 ships disabled by default
 *     ({@value #HELPERS_PROPERTY}=true): oneDNN for convolution and pooling, which DL4J could not find
 *     the native environment for (see {@code org.nd4j.nativeblas.Nd4jCpu}), and this library's Java
 *     batch norm;</li>
 * <li>picks the fastest nd4j-native build on the classpath that this CPU can run, falling back to the
 *     portable one, before ND4J loads its natives;</li>
 * <li>gives each concurrently running Spark task an equal share of the cores, so that tasks times
 *     threads never exceeds the cores.</li>
 * </ul>
 * Settings the user made explicitly (system properties) are left alone.
 */
public final class NativeRuntime {
    public static final String HELPERS_PROPERTY = "org.eclipse.deeplearning4j.helpers.disable";
    public static final String EXTENSION_PROPERTY = "org.bytedeco.javacpp.platform.extension";
    /** nd4j-native builds, fastest first, with the CPU flags each needs. */
    static final List<Build> BUILDS = List.of(
            new Build("-onednn-avx512", Set.of("avx512f", "avx512bw", "avx512vl")),
            new Build("-onednn-avx2", Set.of("avx2", "fma")),
            new Build("-onednn", Set.of()),
            new Build("-avx512", Set.of("avx512f", "avx512bw", "avx512vl")),
            new Build("-avx2", Set.of("avx2", "fma")),
            new Build("", Set.of()));
    private static final String LIBRARY = "org/nd4j/linalg/cpu/nativecpu/bindings/linux-x86_64%s/libnd4jcpu.so";

    private static volatile int threadsSet;
    /** The OpenMP team size this thread last set, 0 for none. */
    private static final ThreadLocal<Integer> OPENMP_THREADS = ThreadLocal.withInitial(() -> 0);

    private NativeRuntime() {
    }

    /** One nd4j-native build: its JavaCPP platform extension and the CPU flags it requires. */
    record Build(String extension, Set<String> flags) {
    }

    /** Must run before the first ND4J call of the JVM: enables the helpers and picks the build. */
    public static synchronized void prepare() {
        if (System.getProperty(HELPERS_PROPERTY) == null) {
            System.setProperty(HELPERS_PROPERTY, "false");
        }
        if (System.getProperty(EXTENSION_PROPERTY) == null && "Linux".equals(System.getProperty("os.name"))
                && "amd64".equals(System.getProperty("os.arch"))) {
            String ext = selectExtension(cpuFlags(),
                    e -> NativeRuntime.class.getClassLoader().getResource(String.format(LIBRARY, e)) != null);
            if (ext != null) {
                System.setProperty(EXTENSION_PROPERTY, ext);
            }
        }
    }

    /** The JVM options executors need for {@link #prepare()}'s choices (they may start ND4J first). */
    public static String executorJavaOptions() {
        prepare();
        StringBuilder sb = new StringBuilder("-D" + HELPERS_PROPERTY + "=" + System.getProperty(HELPERS_PROPERTY));
        String ext = System.getProperty(EXTENSION_PROPERTY);
        if (ext != null && !ext.isEmpty()) {
            sb.append(" -D").append(EXTENSION_PROPERTY).append('=').append(ext);
        }
        return sb.toString();
    }

    /** The fastest build that is available and whose CPU flags are all present, or null. */
    static String selectExtension(Set<String> cpuFlags, Predicate<String> available) {
        for (Build b : BUILDS) {
            if (cpuFlags.containsAll(b.flags()) && available.test(b.extension())) {
                return b.extension();
            }
        }
        return null;
    }

    /** oneDNN's instruction-set limits: the prefixes it reads, and its names of the sets below AVX-512. */
    private static final List<String> ONEDNN_ISA_LIMITS = List.of("ONEDNN_MAX_CPU_ISA", "DNNL_MAX_CPU_ISA");
    private static final Set<String> BELOW_AVX512 = Set.of("SSE41", "AVX", "AVX2", "AVX_VNNI", "AVX2_VNNI");
    private static final Set<String> CPU_FLAGS = readCpuFlags();
    private static final boolean ONEDNN_AVX512 = oneDnnRunsAvx512(CPU_FLAGS, System.getenv());

    /**
     * Whether oneDNN runs its AVX-512 kernels in this JVM: oneDNN 2.3 (ND4J's) has a vectorized max
     * pooling for plain NCHW only on those, and elsewhere a reference loop slower than Java's.
     *
     * @return true when the CPU has oneDNN's avx512_core (AVX-512 F, BW, VL, DQ) and no
     *     {@code ONEDNN_MAX_CPU_ISA} / {@code DNNL_MAX_CPU_ISA} names a set below it
     */
    public static boolean oneDnnUsesAvx512() {
        return ONEDNN_AVX512;
    }

    /**
     * {@link #oneDnnUsesAvx512()} for the given /proc/cpuinfo flags and environment. The limit is read
     * as oneDNN reads it: the ONEDNN_ prefix first, any case; a value it does not know sets no limit.
     */
    static boolean oneDnnRunsAvx512(Set<String> cpuFlags, Map<String, String> env) {
        if (!cpuFlags.containsAll(Set.of("avx512f", "avx512bw", "avx512vl", "avx512dq"))) {
            return false;
        }
        for (String key : ONEDNN_ISA_LIMITS) {
            String limit = env.get(key);
            if (limit != null && !limit.isEmpty()) {
                return !BELOW_AVX512.contains(limit.trim().toUpperCase(Locale.ROOT));
            }
        }
        return true;
    }

    /** The CPU's flags from /proc/cpuinfo, read once per JVM; empty where unknown. */
    static Set<String> cpuFlags() {
        return CPU_FLAGS;
    }

    private static Set<String> readCpuFlags() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("flags")) {
                    return Set.copyOf(Arrays.asList(line.substring(line.indexOf(':') + 1).trim().split("\\s+")));
                }
            }
        } catch (IOException | RuntimeException e) {
            // unknown CPU: only builds that need no flags qualify
        }
        return Set.of();
    }

    /**
     * Sets the threads of ND4J's ops in this JVM, and the OpenMP team of the calling thread, to a Spark
     * task's share of the cores, so that the tasks running at once never ask for more threads than there
     * are cores (oversubscribed, ops get fewer threads than planned, and their reductions then sum in
     * another order from run to run). OpenMP's team size is a setting of each thread: ND4J leaves 4 on
     * the thread that loads it whatever the core count, and oneDNN runs every convolution, batch-norm
     * and pooling call on the calling thread's team, whose barriers then wait for descheduled threads
     * (on 2 cores a Model S training step took ~110 ms with 4, ~85 ms with 2).
     *
     * @param threads threads per task, at least 1
     */
    public static void useThreads(int threads) {
        if (threadsSet != threads) {
            Nd4j.getEnvironment().setMaxThreads(threads);
            Nd4j.getEnvironment().setMaxMasterThreads(threads);
            threadsSet = threads;
        }
        if (OPENMP_THREADS.get() != threads) {
            NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
            OPENMP_THREADS.set(threads);
        }
    }

    /**
     * @return the OpenMP team size of the calling thread, which oneDNN's primitives created on it split their
     *     work for: what {@link #useThreads(int)} set on it, or the JVM's available processors (libgomp's
     *     default) when nothing was set
     */
    public static int threadsOfThisThread() {
        int set = OPENMP_THREADS.get();
        return set > 0 ? set : Runtime.getRuntime().availableProcessors();
    }

    /**
     * A Spark task's equal share of the cores, for {@link #useThreads(int)}.
     *
     * @param cores the cores of the JVM (or executor)
     * @param concurrentTasks the tasks that run at once in it; values below 1 count as 1
     * @return {@code cores / concurrentTasks}, at least 1
     */
    public static int threadsPerTask(int cores, int concurrentTasks) {
        return Math.max(1, cores / Math.max(1, concurrentTasks));
    }

    /**
     * Runs a model builder with the helpers on or off: DL4J decides per layer, when the layer is
     * created, so this is how one JVM holds both a fast and a stock model (for comparisons).
     */
    public static synchronized <T> T withHelpers(boolean on, Supplier<T> build) {
        String before = System.getProperty(HELPERS_PROPERTY);
        System.setProperty(HELPERS_PROPERTY, Boolean.toString(!on));
        try {
            return build.get();
        } finally {
            if (before == null) {
                System.clearProperty(HELPERS_PROPERTY);
            } else {
                System.setProperty(HELPERS_PROPERTY, before);
            }
        }
    }

    /**
     * Whether layers created now take the fast path: DL4J's helpers and this library's Java batch norm.
     * Off when helpers are disabled, which is DL4J's default until {@link #prepare()}.
     */
    public static boolean fastPathEnabled() {
        return "false".equals(System.getProperty(HELPERS_PROPERTY));
    }

    /** Whether the loaded libnd4j has oneDNN inside and DL4J will use its helpers. */
    public static boolean helpersActive() {
        return org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper.mklDnnEnabled() && fastPathEnabled();
    }
}
