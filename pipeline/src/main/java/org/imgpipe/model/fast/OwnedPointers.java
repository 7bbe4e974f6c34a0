package org.imgpipe.model.fast;

import org.bytedeco.javacpp.Pointer;

import java.util.ArrayList;
import java.util.List;

/**
 * The native objects (oneDNN primitives, memory, descriptors) that one owner creates, freed together, the
 * last created first (a primitive before the descriptors it was made from). Not safe for concurrent use.
 */
final class OwnedPointers {
    private final List<Pointer> owned = new ArrayList<>();

    /**
     * @param pointer a native object just created
     * @return the same object, now freed by {@link #close()}
     */
    <T extends Pointer> T own(T pointer) {
        owned.add(pointer);
        return pointer;
    }

    /** @return whether nothing is owned: nothing created yet, or {@link #close()} called */
    boolean isEmpty() {
        return owned.isEmpty();
    }

    /**
     * Refuses to run an owner whose native memory is gone, instead of letting oneDNN write into freed memory.
     *
     * @param what the owner, for the message: "this oneDNN {what} was closed"
     * @throws IllegalStateException after {@link #close()}
     */
    void requireOpen(String what) {
        if (owned.isEmpty()) {
            throw new IllegalStateException("this oneDNN " + what + " was closed");
        }
    }

    /** Frees every object owned, the last created first; nothing is owned afterwards. */
    void close() {
        for (int i = owned.size() - 1; i >= 0; i--) {
            owned.get(i).close();
        }
        owned.clear();
    }
}
