package org.imgpipe;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The library's packages import only downward, in the order the README's "Layout" lists them. */
class LayeringTest {
    /** Bottom to top. */
    static final List<String> LAYERS = List.of("base", "io", "config", "runtime", "spark", "data", "model", "eval",
            "train", "registry", "score", "report", "retrain", "workflow");
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?org\\.imgpipe\\.([a-z]+)\\.",
            Pattern.MULTILINE);
    private static final Path SOURCES = Path.of("src/main/java/org/imgpipe");

    @Test
    void everyPackageIsALayer() throws IOException {
        try (Stream<Path> dirs = Files.list(SOURCES)) {
            assertEquals(LAYERS.stream().sorted().toList(),
                    dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void noPackageImportsALayerAboveIt() throws IOException {
        List<String> upward = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            files.filter(f -> f.toString().endsWith(".java")).forEach(f -> upward.addAll(upwardImports(f)));
        }
        assertEquals(List.of(), upward);
    }

    @Test
    void onlyTheConsoleWritesToTheStandardStreams() throws IOException {
        Pattern stream = Pattern.compile("System\\.(out|err)\\b|printStackTrace\\(\\)");
        List<String> writers = new ArrayList<>();
        for (Path sources : List.of(Path.of("src/main/java"), Path.of("../jobs/src/main/java"),
                Path.of("../bench/src/main/java"))) {
            try (Stream<Path> files = Files.walk(sources)) {
                files.filter(f -> f.toString().endsWith(".java")).forEach(f -> {
                    try {
                        if (stream.matcher(Files.readString(f)).find()) {
                            writers.add(f.getFileName().toString());
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
        }
        assertEquals(List.of("Console.java"), writers, "library events go to SLF4J, user-facing lines through "
                + "base.Console");
    }

    @Test
    void anUpwardImportIsFound() throws IOException {
        Path probe = Files.createTempFile("Probe", ".java");
        try {
            Files.writeString(probe, "package org.imgpipe.io;\nimport org.imgpipe.workflow.TrainWorkflow;\n");
            List<String> found = upwardImports(probe, "io");
            assertTrue(found.size() == 1 && found.get(0).contains("io imports workflow"), found.toString());
        } finally {
            Files.delete(probe);
        }
    }

    private static List<String> upwardImports(Path file) {
        return upwardImports(file, SOURCES.relativize(file).getName(0).toString());
    }

    private static List<String> upwardImports(Path file, String layer) {
        int level = LAYERS.indexOf(layer);
        List<String> upward = new ArrayList<>();
        try {
            Matcher m = IMPORT.matcher(Files.readString(file));
            while (m.find()) {
                if (LAYERS.indexOf(m.group(1)) > level) {
                    upward.add(file.getFileName() + ": " + layer + " imports " + m.group(1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return upward;
    }
}
