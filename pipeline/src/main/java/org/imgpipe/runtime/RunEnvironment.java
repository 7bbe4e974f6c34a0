package org.imgpipe.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Where a job ran: versions, the nd4j-native build, the CPU and the Spark master, as a report shows
 * them. Captured on the driver.
 *
 * @param capturedAt         UTC time of capture, ISO-8601
 * @param javaRuntime        Java runtime version and vendor
 * @param spark              Spark version
 * @param dl4j               deeplearning4j version
 * @param nd4jBuild          the nd4j-native build loaded, e.g. {@code linux-x86_64-onednn}
 * @param oneDnnHelpers      whether DL4J's oneDNN layer helpers are active
 * @param cpu                the CPU model, with "AVX-512" or "AVX2" appended as its flags allow
 * @param cores              the driver's available processors
 * @param sparkMaster        the Spark master URL, e.g. {@code local[2]}
 * @param defaultParallelism Spark's default parallelism (the training workers unless configured)
 */
public record RunEnvironment(String capturedAt, String javaRuntime, String spark, String dl4j, String nd4jBuild,
                             boolean oneDnnHelpers, String cpu, int cores, String sparkMaster,
                             int defaultParallelism) {

    /**
     * @param sparkVersion       {@code SparkContext.version()}
     * @param sparkMaster        {@code SparkContext.master()}
     * @param defaultParallelism {@code SparkContext.defaultParallelism()}
     * @return this JVM's environment now
     */
    public static RunEnvironment capture(String sparkVersion, String sparkMaster, int defaultParallelism) {
        String ext = System.getProperty(NativeRuntime.EXTENSION_PROPERTY, "");
        return new RunEnvironment(Instant.now().toString(),
                System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")",
                sparkVersion, mavenVersion("org.deeplearning4j", "deeplearning4j-nn"),
                org.bytedeco.javacpp.Loader.getPlatform() + ext,
                NativeRuntime.helpersActive(), cpuModel(), Runtime.getRuntime().availableProcessors(), sparkMaster,
                defaultParallelism);
    }

    /** @return label/value rows for a table, in the order of the components */
    public List<List<String>> rows() {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("captured at", capturedAt));
        rows.add(List.of("Java", javaRuntime));
        rows.add(List.of("Spark", spark));
        rows.add(List.of("deeplearning4j", dl4j));
        rows.add(List.of("nd4j-native build", nd4jBuild));
        rows.add(List.of("oneDNN helpers", oneDnnHelpers ? "on" : "off"));
        rows.add(List.of("CPU", cpu));
        rows.add(List.of("cores (driver)", Integer.toString(cores)));
        rows.add(List.of("Spark master", sparkMaster));
        rows.add(List.of("default parallelism", Integer.toString(defaultParallelism)));
        return rows;
    }

    /** The version in a jar's Maven metadata (kept by the shaded jar too), or "unknown". */
    static String mavenVersion(String group, String artifact) {
        String resource = "META-INF/maven/" + group + "/" + artifact + "/pom.properties";
        try (InputStream in = RunEnvironment.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String cpuModel() {
        String model = "unknown";
        try {
            for (String line : Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    model = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            return model;
        }
        var flags = NativeRuntime.cpuFlags();
        return model + (flags.contains("avx512f") ? ", AVX-512" : flags.contains("avx2") ? ", AVX2" : "");
    }
}
