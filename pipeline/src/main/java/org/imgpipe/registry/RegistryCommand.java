package org.imgpipe.registry;

import org.imgpipe.base.Console;
import org.imgpipe.base.UserError;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/** The {@code models} command: {@code list}, {@code promote ID}, {@code rollback}. */
public final class RegistryCommand {
    static final String USAGE = "usage: models list | models promote ID | models rollback";
    private final ModelRegistry registry;
    private final Console out;

    /**
     * @param registry the registry the command reads and changes
     * @param out where the listing and the new current version are printed
     */
    public RegistryCommand(ModelRegistry registry, Console out) {
        this.registry = registry;
        this.out = out;
    }

    /**
     * Runs one sub-command: {@code list} prints a table of versions (id, creation time, val_loss, val_accuracy,
     * data fingerprint; {@code *} marks the current one), {@code promote ID} and {@code rollback} move the pointer
     * and print the new current id.
     *
     * @param words the words after {@code models}
     * @throws UserError when the words are not one of the three forms, the id names no version or there is
     *     nothing to roll back to
     * @throws IOException when the registry cannot be read or written
     */
    public void run(List<String> words) throws IOException {
        String verb = words.isEmpty() ? "" : words.get(0);
        switch (verb) {
            case "list" -> {
                requireArgs(words, 1);
                list();
            }
            case "promote" -> {
                requireArgs(words, 2);
                registry.promote(words.get(1), "promoted by hand");
                out.line("current: " + words.get(1));
            }
            case "rollback" -> {
                requireArgs(words, 1);
                out.line("current: " + registry.rollback());
            }
            default -> throw new UserError(USAGE);
        }
    }

    private static void requireArgs(List<String> words, int n) {
        if (words.size() != n) {
            throw new UserError(USAGE);
        }
    }

    private void list() throws IOException {
        List<ModelVersion> versions = registry.versions();
        String current = registry.currentId().orElse(null);
        out.line("Model versions in " + registry.root() + " (* = current)");
        out.format("  %-22s %-24s %8s %8s  %s", "ID", "CREATED", "VAL_LOSS", "VAL_ACC", "DATA FINGERPRINT");
        for (ModelVersion v : versions) {
            Map<String, Double> m = v.metrics();
            out.format("%s %-22s %-24s %8.4f %8.4f  %s", v.id().equals(current) ? "*" : " ", v.id(),
                    v.created(), m.getOrDefault("val_loss", Double.NaN), m.getOrDefault("val_accuracy", Double.NaN),
                    v.dataFingerprint());
        }
        if (versions.isEmpty()) {
            out.line("  (none: the train job registers every model it trains)");
        }
    }
}
