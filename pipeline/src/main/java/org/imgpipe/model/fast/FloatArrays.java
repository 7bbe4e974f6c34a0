package org.imgpipe.model.fast;

import org.bytedeco.javacpp.FloatPointer;
import org.imgpipe.runtime.NativeRuntime;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * What the Java helpers share: views of ND4J's off-heap float arrays, per-thread scratch arrays (the
 * helpers copy a cache-sized piece of an array in, work on it where the JIT vectorizes, and copy it
 * out), and sums.
 */
final class FloatArrays {
    /**
     * Elements summed in float before the partial sum joins a double total: float runs keep the loop
     * fast, short runs keep the rounding error at that of a double sum for any batch size.
     */
    private static final int RUN = 4096;
    /** Elements per piece of work: cache-sized. */
    static final int CHUNK = 1 << 14;
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[2][0]);

    private FloatArrays() {
    }

    /** Float, c-order, densely packed: an array the helpers can address as one flat block. */
    static boolean isDenseFloat(INDArray a) {
        return a.dataType() == DataType.FLOAT && a.ordering() == 'c' && Shape.hasDefaultStridesForShape(a);
    }

    /** The array as dense C-order floats: itself, or a copy in the same logical order. */
    static INDArray dense(INDArray a) {
        return isDenseFloat(a) ? a : a.castTo(DataType.FLOAT).dup('c');
    }

    /** A vector whose floats lie one after another, in any ordering (DL4J's parameter views are [1, n] in F order). */
    static boolean isContiguousFloat(INDArray vector) {
        return vector.dataType() == DataType.FLOAT && vector.elementWiseStride() == 1;
    }

    /** The vector as contiguous floats: itself, or a copy. */
    static INDArray contiguous(INDArray vector) {
        return isContiguousFloat(vector) ? vector : vector.castTo(DataType.FLOAT).dup('c');
    }

    /**
     * Two float arrays of one shape and ordering, each one unbroken run of memory: element k of one
     * buffer pairs with element k of the other.
     */
    static boolean areFlatTwins(INDArray a, INDArray b) {
        return a.dataType() == DataType.FLOAT && b.dataType() == DataType.FLOAT && a.elementWiseStride() == 1
                && b.elementWiseStride() == 1 && a.ordering() == b.ordering() && Arrays.equals(a.shape(), b.shape());
    }

    /**
     * The indices [0, n) of the helpers' loops: parallel on the common fork-join pool, or in order on the
     * calling thread where its task has one thread ({@link NativeRuntime#threadsOfThisThread()}). The pool
     * has one worker fewer than the JVM has cores, shared by all tasks: on two cores, two Spark tasks of one
     * thread each with the pool's worker helping both made three runnable threads. Tasks of several threads
     * still share the pool (two tasks of two threads on four cores: up to five).
     *
     * @param n the number of indices, 0 or more
     * @return the stream of indices
     */
    static IntStream indices(int n) {
        IntStream range = IntStream.range(0, n);
        return NativeRuntime.threadsOfThisThread() > 1 ? range.parallel() : range;
    }

    /** The part of [0, length) that one piece of work covers. */
    @FunctionalInterface
    interface Piece {
        void run(int from, int length);
    }

    /** Runs the pieces of [0, length), {@value #CHUNK} elements each, over {@link #indices}. */
    static void forEachPiece(int length, Piece piece) {
        forEachPiece(length, CHUNK, piece);
    }

    /**
     * Runs the pieces of [0, length), {@code pieceLength} elements each (the last may be shorter), over
     * {@link #indices}.
     */
    static void forEachPiece(int length, int pieceLength, Piece piece) {
        indices((length + pieceLength - 1) / pieceLength)
                .forEach(k -> piece.run(k * pieceLength, Math.min(pieceLength, length - k * pieceLength)));
    }

    /** A loop over one piece of two arrays; it leaves its results in a and b. */
    @FunctionalInterface
    interface PairKernel {
        void run(float[] a, float[] b, int length);
    }

    /**
     * Runs the kernel over [0, length) of two element-wise paired buffers, piece by piece ({@link #forEachPiece}):
     * copies each piece of a and b in, and the kernel's results out, b's into bOut and a's into aOut
     * unless that is null. The loop lives in the kernel, where the JIT compiles and vectorizes it for
     * that caller alone.
     */
    static void mapPairs(int length, FloatBuffer a, FloatBuffer b, PairKernel kernel, FloatBuffer aOut,
                         FloatBuffer bOut) {
        forEachPiece(length, (from, len) -> {
            float[] x = scratch(0, len);
            float[] y = scratch(1, len);
            a.get(from, x, 0, len);
            b.get(from, y, 0, len);
            kernel.run(x, y, len);
            if (aOut != null) {
                aOut.put(from, x, 0, len);
            }
            bOut.put(from, y, 0, len);
        });
    }

    /** A view of the array's floats, positioned so that index 0 is its first element. */
    static FloatBuffer view(INDArray a) {
        return a.data().asNioFloat().position((int) a.offset()).slice();
    }

    /**
     * @param a a dense array (a view at an offset is fine)
     * @return where its first element lies, as a pointer at position 0: oneDNN's presets take {@code void*}
     *     handles and would add a pointer's position in bytes, not in floats
     */
    static FloatPointer pointer(INDArray a) {
        return new FloatPointer(view(a));
    }

    /**
     * This thread's scratch array number {@code slot} (0 or 1) with room for {@code size} floats; its
     * contents are left over from earlier use.
     */
    static float[] scratch(int slot, int size) {
        float[][] arrays = SCRATCH.get();
        if (arrays[slot].length < size) {
            arrays[slot] = new float[size];
        }
        return arrays[slot];
    }

    // step and sign are min/max arithmetic because the JIT vectorizes that and not comparisons: 5x
    // faster in the activation and penalty loops. Scaling by 1e38 takes every normal float to at least 1
    // in magnitude; only subnormal inputs (below 1.2e-38) get a fraction instead of 1.

    /** 1 for x > 0, else 0. */
    static float step(float x) {
        return Math.min(Math.max(x * 1e38f, 0f), 1f);
    }

    /** -1, 0 or 1 as the sign of x. */
    static float sign(float x) {
        return Math.min(Math.max(x * 1e38f, -1f), 1f);
    }

    // The sums keep eight independent accumulators: a single running sum is bound by the latency of
    // each addition, which made such loops most of a batch-norm layer's time.

    /** Sum of a[0..length). */
    static double sum(float[] a, int length) {
        double total = 0;
        for (int start = 0; start < length; start += RUN) {
            int end = Math.min(length, start + RUN);
            float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
            int i = start;
            for (; i + 7 < end; i += 8) {
                s0 += a[i];
                s1 += a[i + 1];
                s2 += a[i + 2];
                s3 += a[i + 3];
                s4 += a[i + 4];
                s5 += a[i + 5];
                s6 += a[i + 6];
                s7 += a[i + 7];
            }
            for (; i < end; i++) {
                s0 += a[i];
            }
            total += ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
        }
        return total;
    }

    /** Sum of |a[i]| over [0..length). */
    static double sumOfAbsolutes(float[] a, int length) {
        double total = 0;
        for (int start = 0; start < length; start += RUN) {
            int end = Math.min(length, start + RUN);
            float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
            int i = start;
            for (; i + 7 < end; i += 8) {
                s0 += Math.abs(a[i]);
                s1 += Math.abs(a[i + 1]);
                s2 += Math.abs(a[i + 2]);
                s3 += Math.abs(a[i + 3]);
                s4 += Math.abs(a[i + 4]);
                s5 += Math.abs(a[i + 5]);
                s6 += Math.abs(a[i + 6]);
                s7 += Math.abs(a[i + 7]);
            }
            for (; i < end; i++) {
                s0 += Math.abs(a[i]);
            }
            total += ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
        }
        return total;
    }

    /**
     * Sum of (a[i] - ca) * (b[i] - cb) over [0..length): with a = b and ca = cb the mean, the sum of
     * squared deviations.
     */
    static double sumOfCenteredProducts(float[] a, float ca, float[] b, float cb, int length) {
        double total = 0;
        for (int start = 0; start < length; start += RUN) {
            int end = Math.min(length, start + RUN);
            float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
            int i = start;
            for (; i + 7 < end; i += 8) {
                s0 += (a[i] - ca) * (b[i] - cb);
                s1 += (a[i + 1] - ca) * (b[i + 1] - cb);
                s2 += (a[i + 2] - ca) * (b[i + 2] - cb);
                s3 += (a[i + 3] - ca) * (b[i + 3] - cb);
                s4 += (a[i + 4] - ca) * (b[i + 4] - cb);
                s5 += (a[i + 5] - ca) * (b[i + 5] - cb);
                s6 += (a[i + 6] - ca) * (b[i + 6] - cb);
                s7 += (a[i + 7] - ca) * (b[i + 7] - cb);
            }
            for (; i < end; i++) {
                s0 += (a[i] - ca) * (b[i] - cb);
            }
            total += ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
        }
        return total;
    }

    /**
     * For each i below length: {@code y = a[i] - ca[i]}, {@code sums[i] += y}, {@code products[i] += y * (x[i] -
     * cx[i])}. Every array is read at the same index, which lets the JIT vectorize the loop (per-lane arithmetic
     * over a channel block's interleaved lanes, with the centres indexed by lane, it leaves scalar: 4x slower).
     *
     * @param a        the first values
     * @param ca       the centres for a, per index
     * @param x        the second values
     * @param cx       the centres for x, per index
     * @param length   how many, from index 0
     * @param sums     added to: the sums of y
     * @param products added to: the sums of y * (x - cx)
     */
    static void addCentred(float[] a, float[] ca, float[] x, float[] cx, int length, float[] sums, float[] products) {
        for (int i = 0; i < length; i++) {
            float y = a[i] - ca[i];
            sums[i] += y;
            products[i] += y * (x[i] - cx[i]);
        }
    }

    /**
     * @param perLane one value per lane
     * @param length  how many values
     * @return the lanes' values repeated: element i is {@code perLane[i % lanes]}
     */
    static float[] repeatLanes(float[] perLane, int length) {
        float[] repeated = new float[length];
        for (int i = 0; i < length; i += perLane.length) {
            System.arraycopy(perLane, 0, repeated, i, Math.min(perLane.length, length - i));
        }
        return repeated;
    }

    /**
     * @param perIndex values whose index i belongs to lane {@code i % lanes}
     * @param length   how many, from index 0
     * @param lanes    how many lanes
     * @return each lane's sum, in double
     */
    static double[] laneTotals(float[] perIndex, int length, int lanes) {
        double[] totals = new double[lanes];
        for (int i = 0; i < length; i++) {
            totals[i % lanes] += perIndex[i];
        }
        return totals;
    }
}
