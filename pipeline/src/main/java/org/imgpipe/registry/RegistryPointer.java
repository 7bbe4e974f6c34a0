package org.imgpipe.registry;

import java.util.ArrayList;
import java.util.List;

/**
 * The content of current.json: the current version and the versions that were current before it,
 * oldest first, so rollback can walk back. One small file, replaced atomically on every move.
 */
record RegistryPointer(String current, List<String> previous, String updated, String reason) {
    static final RegistryPointer NONE = new RegistryPointer(null, List.of(), null, null);

    RegistryPointer promote(String id, String time, String why) {
        List<String> before = new ArrayList<>(previous);
        if (current != null && !current.equals(id)) {
            before.add(current);
        }
        return new RegistryPointer(id, before, time, why);
    }

    RegistryPointer rollback(String time) {
        List<String> before = new ArrayList<>(previous);
        String back = before.remove(before.size() - 1);
        return new RegistryPointer(back, before, time, "rollback from " + current);
    }
}
