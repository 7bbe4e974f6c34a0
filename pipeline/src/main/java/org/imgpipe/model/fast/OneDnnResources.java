package org.imgpipe.model.fast;

import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * What the oneDNN primitives of this package share: whether oneDNN's JavaCPP presets load, and, per owner
 * (an inference chain, a convolution, a pooling), a CPU engine and stream and the native objects the owner
 * creates (primitives, memory, descriptors), freed together, the last created first (a primitive before the
 * descriptors it was made from). Not safe for concurrent use.
 */
public final class OneDnnResources {
    static final long[] UNIT_STRIDES = {1, 1};
    static final long[] NO_PADDING = {0, 0};
    private static final Logger LOG = LoggerFactory.getLogger(OneDnnResources.class);

    private final List<Pointer> owned = new ArrayList<>();
    private final engine cpu;
    private final stream stream;

    /** Creates the engine and stream, owned like everything created through {@link #own}. */
    OneDnnResources() {
        cpu = own(new engine(engine.kind.cpu, 0));
        stream = own(new stream(cpu));
    }

    /**
     * Whether oneDNN's presets load on this platform (a linux-x86_64 build ships with the project); where they
     * do not, inference, convolutions and pooling run on DL4J's code.
     *
     * @return true when the native library loaded
     */
    public static boolean available() {
        return Presets.LOADED;
    }

    /** Loads the presets once, when first asked. */
    private static final class Presets {
        static final boolean LOADED = load();

        private static boolean load() {
            try {
                Loader.load(dnnl.class);
                return true;
            } catch (Throwable notLoaded) {
                LOG.warn("oneDNN's presets do not load, inference, convolutions and pooling run on DL4J's code: {}",
                        notLoaded.toString());
                return false;
            }
        }
    }

    /** @return the CPU engine every primitive and memory of this owner is created on */
    engine cpu() {
        return cpu;
    }

    /** @return the stream this owner's primitives run on */
    stream stream() {
        return stream;
    }

    /**
     * @param pointer a native object just created
     * @return the same object, now freed by {@link #close()}
     */
    <T extends Pointer> T own(T pointer) {
        owned.add(pointer);
        return pointer;
    }

    /**
     * @param tag  the layout ({@code any}: the primitive's choice)
     * @param dims the dimensions
     * @return an owned descriptor of f32 memory
     */
    memory.desc desc(memory.format_tag tag, long... dims) {
        return own(new memory.desc(dims, memory.data_type.f32, tag));
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
