package org.imgpipe.model.fast;

import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An ND4J array's place in a oneDNN primitive: memory in the array's layout, pointed at the array for each
 * call, and, when the primitive wants another layout, the primitive's own memory and the reorder between
 * the two. Its native objects belong to the owner's {@link OneDnnResources}. Not safe for concurrent use.
 */
final class OneDnnTensor {
    /** Memory in the array's layout. */
    final memory array;
    /** Memory in the primitive's layout: {@link #array} itself when the layouts are the same. */
    final memory inner;
    private final reorder step;
    private final OneDnnResources resources;

    /**
     * @param resources the owner's engine, stream and list of native objects
     * @param layout    the array's layout
     * @param wanted    the layout the primitive takes
     * @param toward    true when values go into the primitive (array to inner), false when they come out
     * @throws RuntimeException (oneDNN's {@code dnnl.error}) when oneDNN cannot create the memory or reorder
     */
    OneDnnTensor(OneDnnResources resources, memory.desc layout, memory.desc wanted, boolean toward) {
        this.resources = resources;
        this.array = resources.own(new memory(layout, resources.cpu(), (Pointer) null));
        if (layout.equals(wanted)) {
            this.inner = this.array;
            this.step = null;
        } else {
            this.inner = resources.own(new memory(wanted, resources.cpu()));
            this.step = resources.own(toward ? new reorder(this.array, inner) : new reorder(inner, this.array));
        }
    }

    /**
     * Points the memory at the array and reorders its values into the primitive's layout.
     *
     * @param values a dense array in this tensor's layout; the caller keeps it reachable until the stream waits
     * @throws RuntimeException (oneDNN's {@code dnnl.error}) when oneDNN fails to run the reorder
     */
    void in(INDArray values) {
        array.set_data_handle(FloatArrays.pointer(values));
        if (step != null) {
            step.execute(resources.stream(), array, inner);
        }
    }

    /**
     * Points the memory at the array, for a primitive to write into when no reorder is needed.
     *
     * @param result a dense array in this tensor's layout; the caller keeps it reachable until the stream waits
     */
    void target(INDArray result) {
        array.set_data_handle(FloatArrays.pointer(result));
    }

    /**
     * Reorders the primitive's result into the array {@link #target} named.
     *
     * @throws RuntimeException (oneDNN's {@code dnnl.error}) when oneDNN fails to run the reorder
     */
    void out() {
        if (step != null) {
            step.execute(resources.stream(), inner, array);
        }
    }
}
