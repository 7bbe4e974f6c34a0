package org.imgpipe.model.fast;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * oneDNN primitives of one kind kept per thread, by shape: a layer's primitives depend only on the shapes
 * and the thread's OpenMP team, not on a model, so the new network that every parameter-averaging round
 * deserializes on a worker reuses the previous one's primitives and memory. Each thread keeps the last few
 * shapes it ran (least recently used go first, their native memory freed); a shape oneDNN refused is
 * remembered, so the layers hand it to DL4J from then on.
 *
 * @param <K> the shape, a record including the thread count
 * @param <V> the primitives of one shape
 */
final class ThreadPrimitives<K, V extends ThreadPrimitives.Primitives> {
    private static final Logger LOG = LoggerFactory.getLogger(ThreadPrimitives.class);

    /** Primitives with native memory that {@link #close()} frees. */
    interface Primitives extends AutoCloseable {
        @Override
        void close();
    }

    private final String kind;
    private final int kept;
    private final ThreadLocal<Map<K, V>> perThread;
    private final Set<K> refused = Collections.synchronizedSet(new HashSet<>());

    /**
     * @param kind what the primitives do, for the warning when oneDNN refuses a shape
     * @param kept how many shapes each thread keeps, at least 1
     */
    ThreadPrimitives(String kind, int kept) {
        this.kind = kind;
        this.kept = kept;
        this.perThread = ThreadLocal.withInitial(() -> new LinkedHashMap<>(2 * kept, 0.75f, true));
    }

    /**
     * @param shape  the shape
     * @param create creates the primitives of a shape; a RuntimeException from it refuses the shape
     * @return the calling thread's primitives for the shape, created when new; null when oneDNN refused it
     */
    V get(K shape, Function<K, V> create) {
        Map<K, V> map = perThread.get();
        V primitives = map.get(shape);
        if (primitives != null || refused.contains(shape)) {
            return primitives;
        }
        try {
            primitives = create.apply(shape);
        } catch (RuntimeException reason) {
            refuse(shape, reason);
            return null;
        }
        if (map.size() == kept) {
            Map.Entry<K, V> eldest = map.entrySet().iterator().next();
            map.remove(eldest.getKey());
            eldest.getValue().close();
        }
        map.put(shape, primitives);
        return primitives;
    }

    /**
     * Frees the calling thread's primitives of the shape and hands the shape to DL4J from then on.
     *
     * @param shape  the shape
     * @param reason what oneDNN said, for the warning
     */
    void refuse(K shape, RuntimeException reason) {
        V primitives = perThread.get().remove(shape);
        if (primitives != null) {
            primitives.close();
        }
        refused.add(shape);
        LOG.warn("{} of {} run on DL4J's code: {}", kind, shape, reason.toString());
    }

    /**
     * @param shape a shape
     * @return whether the calling thread keeps primitives for it; for tests, which check that a call was taken
     */
    boolean has(K shape) {
        return perThread.get().containsKey(shape);
    }
}
