package org.imgpipe.registry;

import org.imgpipe.base.Console;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.imgpipe.base.UserError;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelRegistryTest {
    @TempDir
    java.nio.file.Path dir;
    private final Configuration conf = new Configuration();
    private ModelRegistry registry;

    @BeforeEach
    void create() {
        registry = new ModelRegistry(new Path(dir.resolve("registry").toUri()), conf);
    }

    private ModelVersion register(String content, double valAccuracy) throws Exception {
        java.nio.file.Path model = Files.writeString(dir.resolve("model-" + content + ".zip"), content);
        java.nio.file.Path history = Files.writeString(dir.resolve("history.json"), "[]");
        return registry.register(new Path(model.toUri()), new Path(history.toUri()), ModelVersion.draft(
                List.of("a", "b"), 32, Map.of("train1", "00ff"), Map.of("val_accuracy", valAccuracy), "pipeline {}"));
    }

    @Test
    void aRegisteredVersionKeepsItsModelHistoryAndInformation() throws Exception {
        ModelVersion v = register("m1", 0.5);
        assertTrue(v.id().matches("\\d{8}-\\d{6}-[0-9a-f]{4}"), v.id());
        assertEquals(List.of(v), registry.versions());
        assertEquals(v, registry.version(v.id()));
        assertArrayEquals("m1".getBytes(), Files.readAllBytes(java.nio.file.Path.of(registry.modelFile(v.id()).toUri())));
        assertTrue(Files.exists(dir.resolve("registry/versions/" + v.id() + "/history.json")));
        assertTrue(registry.current().isEmpty(), "registering does not promote");
    }

    @Test
    void promoteMovesThePointerAndRollbackWalksBack() throws Exception {
        ModelVersion a = register("a", 0.5);
        ModelVersion b = register("b", 0.6);
        ModelVersion c = register("c", 0.7);
        registry.promote(a.id(), "first");
        registry.promote(b.id(), "better");
        registry.promote(c.id(), "better still");
        assertEquals(c.id(), registry.currentId().orElseThrow());
        assertEquals(b.id(), registry.rollback());
        assertEquals(b, registry.current().orElseThrow());
        assertEquals(a.id(), registry.rollback());
        UserError e = assertThrows(UserError.class, registry::rollback);
        assertTrue(e.getMessage().endsWith(a.id() + " is the first promoted version"), e.getMessage());
        // Only the pointer file and the version folders: no temp files left behind.
        try (var files = Files.list(dir.resolve("registry"))) {
            assertEquals(List.of("current.json", "versions"), files.map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith(".")).sorted().toList());
        }
    }

    @Test
    void unknownVersionsAndEmptyRegistriesAreUserErrors() throws Exception {
        UserError e = assertThrows(UserError.class, () -> registry.promote("nope", "x"));
        assertTrue(e.getMessage().startsWith("no model version 'nope' in the registry"), e.getMessage());
        assertTrue(assertThrows(UserError.class, registry::rollback).getMessage().endsWith("no version was ever promoted"));
        assertThrows(UserError.class, () -> registry.promote("../x", "x"));
    }

    @Test
    void theModelsCommandListsPromotesAndRollsBack() throws Exception {
        ModelVersion a = register("a", 0.5);
        ModelVersion b = register("b", 0.625);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        RegistryCommand cmd = new RegistryCommand(registry, new Console(new PrintStream(bytes, true), System.err));
        cmd.run(List.of("promote", a.id()));
        cmd.run(List.of("promote", b.id()));
        cmd.run(List.of("rollback"));
        bytes.reset();
        cmd.run(List.of("list"));
        String[] lines = bytes.toString().split("\n");
        assertEquals(4, lines.length, bytes.toString());
        assertTrue(lines[2].startsWith("* " + a.id()) && lines[2].contains("0.5000"), lines[2]);
        assertTrue(lines[3].startsWith("  " + b.id()) && lines[3].contains("0.6250"), lines[3]);
        assertEquals(RegistryCommand.USAGE, assertThrows(UserError.class, () -> cmd.run(List.of("promote"))).getMessage());
        assertEquals(RegistryCommand.USAGE, assertThrows(UserError.class, () -> cmd.run(List.of())).getMessage());
    }
}
