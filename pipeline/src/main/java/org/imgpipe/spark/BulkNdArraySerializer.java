package org.imgpipe.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import org.nd4j.kryo.Nd4jSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Kryo serializer for nd4j-native arrays that copies the elements in bulk. ND4J's own
 * {@link Nd4jSerializer} goes through {@code Nd4j.write}, one {@code DataOutputStream.writeFloat}
 * per element (and one {@code readFloat} back), which every parameter-averaging round pays for each
 * worker's result (parameters and RMSProp state of Model S, 2 x 1,886,282 floats, 15 MB) and for the
 * broadcast of the averaged ones: 38-78 ms to write and 20-46 ms to read such a result, against
 * 4-9 ms and 3-5 ms in bulk (measured on this project's 2-core machine).
 *
 * <p>Format: a marker byte, then for {@link #BULK} and {@link #EMPTY} libnd4j's data-type code
 * ({@link DataType#toInt()}), the order ('c' or 'f'), the rank and the shape (Kryo varints), and for
 * {@link #BULK} length x element-size bytes, little-endian (every nd4j-native platform's order).
 * Views and strided arrays are written as a C-ordered copy of their elements; dense 'c' and 'f'
 * arrays keep their order. {@link #ND4J_FORMAT} is followed by ND4J's own format, for the arrays the
 * bulk form does not cover: strings, compressed buffers and buffers whose native memory is not
 * addressable as one byte range. Arrays are read detached from any workspace.
 */
public final class BulkNdArraySerializer extends Serializer<INDArray> {
    /** ND4J's own format follows. */
    static final int ND4J_FORMAT = 0;
    /** Header and elements follow. */
    static final int BULK = 1;
    /** Header only: an array with no elements (a zero dimension, or ND4J's rank-0 empty array). */
    static final int EMPTY = 2;
    private static final int MAX_RANK = 32;
    /** The most element bytes written in bulk: one Java array's worth (Spark's Kryo buffers stop below it). */
    private static final long MAX_BYTES = Integer.MAX_VALUE;
    /** Bytes per copy between native memory and Kryo's buffer. */
    private static final int CHUNK = 1 << 16;
    private final Nd4jSerializer fallback = new Nd4jSerializer();

    /**
     * Writes an array: its header and elements in bulk, or ND4J's format where bulk does not apply.
     *
     * @param kryo   the Kryo instance (passed on to ND4J's serializer for the fallback)
     * @param output where the array goes
     * @param array  any nd4j-native array; not null (Kryo writes null references itself)
     * @throws UnsupportedOperationException when this JVM's native byte order is not little-endian
     * @throws KryoException when the output cannot take the bytes (e.g. past spark.kryoserializer.buffer.max)
     */
    @Override
    public void write(Kryo kryo, Output output, INDArray array) {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new UnsupportedOperationException("ND4J arrays are serialized little-endian; this JVM is "
                    + ByteOrder.nativeOrder());
        }
        if (array.isEmpty() && array.dataType().width() > 0) {
            output.writeByte(EMPTY);
            writeHeader(output, array.dataType(), array.ordering(), array.shape());
            return;
        }
        INDArray dense = bulkCopyable(array) ? contiguous(array) : null;
        ByteBuffer elements = dense == null ? null : elements(dense);
        if (elements == null) {
            output.writeByte(ND4J_FORMAT);
            fallback.write(kryo, output, array);
            return;
        }
        output.writeByte(BULK);
        writeHeader(output, dense.dataType(), dense.ordering(), dense.shape());
        byte[] chunk = new byte[Math.min(CHUNK, elements.remaining())];
        while (elements.hasRemaining()) {
            int n = Math.min(chunk.length, elements.remaining());
            elements.get(chunk, 0, n);
            output.writeBytes(chunk, 0, n);
        }
    }

    /**
     * Reads an array written by {@link #write}.
     *
     * @param kryo  the Kryo instance (passed on to ND4J's serializer for the fallback)
     * @param input where the array comes from
     * @param type  the array class being read
     * @return a new array, detached from any workspace, with the written shape, type and order
     * @throws KryoException when the input ends early or its header is not one this class writes
     *                       (unknown marker or data type, bad order, rank or dimension, more than 2 GB)
     */
    @Override
    public INDArray read(Kryo kryo, Input input, Class<INDArray> type) {
        int marker = input.readByte();
        if (marker == ND4J_FORMAT) {
            return fallback.read(kryo, input, type);
        }
        if (marker != BULK && marker != EMPTY) {
            throw new KryoException("not an ND4J array written by " + BulkNdArraySerializer.class.getSimpleName()
                    + ": marker " + marker);
        }
        DataType dataType = dataType(input.readInt(true));
        char order = (char) input.readByte();
        int rank = input.readInt(true);
        if ((order != 'c' && order != 'f') || rank < 0 || rank > MAX_RANK) {
            throw new KryoException("bad ND4J array header: order " + (int) order + ", rank " + rank);
        }
        long[] shape = new long[rank];
        long length = 1;
        for (int i = 0; i < rank; i++) {
            shape[i] = input.readLong(true);
            if (shape[i] < 0 || shape[i] > Integer.MAX_VALUE) {
                throw new KryoException("bad ND4J array dimension " + shape[i] + " in " + Arrays.toString(shape));
            }
            length *= shape[i];
            if (length * dataType.width() > MAX_BYTES) {
                throw new KryoException("ND4J array of more than 2 GB: shape " + Arrays.toString(shape));
            }
        }
        if (marker == EMPTY) {
            if (length != 0 && rank != 0) {
                throw new KryoException("empty ND4J array with shape " + Arrays.toString(shape));
            }
            return rank == 0 ? Nd4j.empty(dataType) : Nd4j.create(dataType, shape, order);
        }
        INDArray array = Nd4j.createUninitializedDetached(dataType, order, shape);
        ByteBuffer bytes = elements(array);
        if (bytes == null) {
            throw new IllegalStateException("a new ND4J array's memory is not addressable: " + dataType + " "
                    + Arrays.toString(shape));
        }
        byte[] chunk = new byte[Math.min(CHUNK, bytes.remaining())];
        while (bytes.hasRemaining()) {
            int n = Math.min(chunk.length, bytes.remaining());
            input.readBytes(chunk, 0, n);
            bytes.put(chunk, 0, n);
        }
        return array;
    }

    private static void writeHeader(Output output, DataType dataType, char order, long[] shape) {
        output.writeInt(dataType.toInt(), true);
        output.writeByte(order);
        output.writeInt(shape.length, true);
        for (long d : shape) {
            output.writeLong(d, true);
        }
    }

    private static DataType dataType(int code) {
        DataType t;
        int width;
        try {
            t = DataType.fromInt(code);
            width = t.width();
        } catch (RuntimeException e) {
            throw new KryoException("unknown ND4J data type code " + code);
        }
        if (width <= 0) {
            throw new KryoException("ND4J data type " + t + " is not written in bulk");
        }
        return t;
    }

    /** Fixed-width elements, not compressed, at most {@link #MAX_BYTES}. */
    private static boolean bulkCopyable(INDArray a) {
        int width = a.dataType().width();
        return width > 0 && !a.isCompressed() && a.data() != null && a.length() * width <= MAX_BYTES;
    }

    /** The array itself when its buffer holds exactly its elements in its order, else a C-ordered copy. */
    private static INDArray contiguous(INDArray a) {
        boolean exact = !a.isView() && a.offset() == 0 && a.data().offset() == 0 && a.data().length() == a.length()
                && Arrays.equals(a.stride(), Nd4j.getStrides(a.shape(), a.ordering()));
        return exact ? a : a.dup('c');
    }

    /**
     * The native bytes of a {@link #contiguous} array's elements, positioned at the first; null when the
     * buffer's memory does not cover them as one byte range (a pointer without a limit).
     */
    private static ByteBuffer elements(INDArray a) {
        long size = a.length() * a.dataType().width();
        ByteBuffer bytes = a.data().asNio();
        if (bytes == null || bytes.remaining() < size) {
            return null;
        }
        return bytes.limit(bytes.position() + (int) size);
    }
}
