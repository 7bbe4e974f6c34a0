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
 * Kryo serializer for ND4J arrays that copies the elements in bulk: data type, order, shape, then the
 * elements' bytes in C order. ND4J's own {@link Nd4jSerializer} goes through {@code Nd4j.write}, one
 * {@code DataOutputStream.writeFloat} per element (and one {@code readFloat} back), which every
 * parameter-averaging round pays for each worker's result (parameters and RMSProp state of Model S,
 * 2 x 1,886,282 floats) and for the broadcast of the averaged ones.
 *
 * <p>Format: a marker byte (1 = bulk, 0 = ND4J's format follows, for string and compressed arrays),
 * the {@link DataType} ordinal, the order ('c' or 'f'), the rank, the shape as longs, then
 * length x element-size bytes, little-endian (the byte order of every nd4j-native platform). Views,
 * 'f'-ordered and strided arrays are written as a C-ordered copy of their elements; they read back
 * as a C-ordered array with equal elements and shape.
 */
public final class NdArraySerializer extends Serializer<INDArray> {
    private static final int BULK = 1;
    private static final int ND4J_FORMAT = 0;
    /** Bytes per copy between native memory and Kryo's buffer. */
    private static final int CHUNK = 1 << 16;
    private final Nd4jSerializer fallback = new Nd4jSerializer();

    /**
     * @param kryo   the Kryo instance (unused: arrays hold no objects)
     * @param output where the array goes
     * @param array  any ND4J array; never null (Kryo handles null references itself)
     * @throws UnsupportedOperationException when this JVM's native byte order is not little-endian
     */
    @Override
    public void write(Kryo kryo, Output output, INDArray array) {
        if (array.dataType() == DataType.UTF8 || array.isCompressed()
                || array.length() * array.dataType().width() > Integer.MAX_VALUE) {
            output.writeByte(ND4J_FORMAT);
            fallback.write(kryo, output, array);
            return;
        }
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new UnsupportedOperationException("ND4J arrays are serialized little-endian; this JVM is "
                    + ByteOrder.nativeOrder());
        }
        INDArray dense = contiguous(array);
        long[] shape = dense.shape();
        output.writeByte(BULK);
        output.writeByte(dense.dataType().ordinal());
        output.writeByte(dense.ordering());
        output.writeInt(shape.length, true);
        for (long d : shape) {
            output.writeLong(d, true);
        }
        if (dense.length() == 0) {
            return;
        }
        ByteBuffer bytes = elements(dense);
        byte[] chunk = new byte[(int) Math.min(CHUNK, bytes.remaining())];
        while (bytes.hasRemaining()) {
            int n = Math.min(chunk.length, bytes.remaining());
            bytes.get(chunk, 0, n);
            output.writeBytes(chunk, 0, n);
        }
    }

    /**
     * @param kryo  the Kryo instance (unused)
     * @param input where the array comes from
     * @param type  the array class being read
     * @return a new array, C-ordered unless it was written 'f'-ordered and dense
     * @throws KryoException when the input ends early or its header is not one this class writes
     */
    @Override
    public INDArray read(Kryo kryo, Input input, Class<INDArray> type) {
        int marker = input.readByte();
        if (marker == ND4J_FORMAT) {
            return fallback.read(kryo, input, type);
        }
        if (marker != BULK) {
            throw new KryoException("not an ND4J array written by " + NdArraySerializer.class.getSimpleName()
                    + ": marker " + marker);
        }
        int typeOrdinal = input.readByte();
        DataType[] types = DataType.values();
        if (typeOrdinal < 0 || typeOrdinal >= types.length) {
            throw new KryoException("unknown ND4J data type " + typeOrdinal);
        }
        char order = (char) input.readByte();
        int rank = input.readInt(true);
        if (rank < 0 || rank > 32 || (order != 'c' && order != 'f')) {
            throw new KryoException("bad ND4J array header: rank " + rank + ", order " + (int) order);
        }
        long[] shape = new long[rank];
        for (int i = 0; i < rank; i++) {
            shape[i] = input.readLong(true);
        }
        INDArray array = Nd4j.createUninitialized(types[typeOrdinal], shape, order);
        if (array.length() == 0) {
            return array;
        }
        ByteBuffer bytes = elements(array);
        byte[] chunk = new byte[(int) Math.min(CHUNK, bytes.remaining())];
        while (bytes.hasRemaining()) {
            int n = Math.min(chunk.length, bytes.remaining());
            input.readBytes(chunk, 0, n);
            bytes.put(chunk, 0, n);
        }
        return array;
    }

    /** The array itself when its buffer holds exactly its elements in its order, else a C-ordered copy. */
    private static INDArray contiguous(INDArray a) {
        boolean exact = !a.isView() && a.offset() == 0 && a.data().offset() == 0 && a.data().length() == a.length()
                && Arrays.equals(a.stride(), Nd4j.getStrides(a.shape(), a.ordering()));
        return exact ? a : a.dup('c');
    }

    /** The native bytes of a {@link #contiguous} array's elements, positioned at the first. */
    private static ByteBuffer elements(INDArray a) {
        long size = a.length() * a.dataType().width();
        ByteBuffer bytes = a.data().asNio();
        if (bytes.remaining() < size) {
            throw new IllegalStateException("ND4J buffer of " + bytes.remaining() + " bytes for " + size
                    + " bytes of elements");
        }
        return bytes.limit(bytes.position() + (int) size);
    }
}
