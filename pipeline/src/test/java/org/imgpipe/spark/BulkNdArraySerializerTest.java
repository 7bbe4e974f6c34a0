package org.imgpipe.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.DeserializationStream;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializationStream;
import org.apache.spark.serializer.SerializerInstance;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingResult;
import org.imgpipe.runtime.NativeRuntime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BulkNdArraySerializerTest {
    private static final ClassTag<Object> ANY = ClassTag$.MODULE$.AnyRef();
    private static KryoSerializer spark;
    private static SerializerInstance kryo;

    @BeforeAll
    static void spark() {
        NativeRuntime.prepare();
        spark = new KryoSerializer(new SparkConf().set("spark.kryo.registrator",
                BulkNdArrayKryoRegistrator.class.getName()));
        kryo = spark.newInstance();
    }

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T o) {
        return (T) kryo.deserialize(kryo.serialize(o, ANY), ANY);
    }

    private static byte[] written(INDArray a) {
        Output out = new Output(64, -1);
        new BulkNdArraySerializer().write(new Kryo(), out, a);
        return out.toBytes();
    }

    private static INDArray read(byte[] bytes) {
        return new BulkNdArraySerializer().read(new Kryo(), new Input(bytes), INDArray.class);
    }

    private static void assertSameArray(INDArray expected, INDArray actual) {
        assertEquals(expected.dataType(), actual.dataType());
        assertArrayEquals(expected.shape(), actual.shape());
        assertArrayEquals(expected.dup('c').data().asBytes(), actual.dup('c').data().asBytes());
    }

    @Test
    void sparksKryoUsesTheBulkSerializerForNd4jArrays() {
        assertInstanceOf(BulkNdArraySerializer.class,
                spark.newKryo().getSerializer(Nd4j.getBackend().getNDArrayClass()));
    }

    @Test
    void theHeaderThenTheElementsAsLittleEndianBytes() {
        // marker, data-type code, 'c', rank 1, shape 2 (varints), then 1.0f = 0x3F800000, -2.0f = 0xC0000000
        assertArrayEquals(new byte[]{BulkNdArraySerializer.BULK, (byte) DataType.FLOAT.toInt(), 'c', 1, 2,
                0, 0, (byte) 0x80, 0x3F, 0, 0, 0, (byte) 0xC0}, written(Nd4j.createFromArray(1.0f, -2.0f)));
    }

    @Test
    void aModelSizedResultComesBackBitForBitThroughSparksStreams() {
        int n = 1_886_282;
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = i % 7 == 0 ? -0.0f : i % 11 == 0 ? Float.NaN : (i - n / 2) * 1e-3f;
        }
        INDArray params = Nd4j.createFromArray(values).reshape(1, n);
        INDArray state = params.mul(2);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        SerializationStream out = kryo.serializeStream(bytes);
        out.writeObject(new ParameterAveragingTrainingResult(params, state, 0.25, null, null, null), ANY);
        out.writeObject("sentinel", ANY);
        out.close();
        DeserializationStream in = kryo.deserializeStream(new ByteArrayInputStream(bytes.toByteArray()));
        ParameterAveragingTrainingResult back = (ParameterAveragingTrainingResult) in.readObject(ANY);
        assertEquals("sentinel", in.readObject(ANY));
        assertSameArray(params, back.getParameters());
        assertSameArray(state, back.getUpdaterState());
        assertEquals(0.25, back.getScore());
    }

    @Test
    void aViewComesBackAsADenseCopyOfItsElements() {
        INDArray m = Nd4j.createFromArray(new float[][]{{1, 2, 3, 4}, {5, 6, 7, 8}, {9, 10, 11, 12}});
        INDArray column = m.getColumn(1);
        INDArray row = m.getRow(1);
        assertTrue(column.isView() && row.isView());
        INDArray backColumn = roundTrip(column);
        assertFalse(backColumn.isView());
        assertArrayEquals(new float[]{2, 6, 10}, backColumn.toFloatVector());
        assertArrayEquals(new float[]{5, 6, 7, 8}, roundTrip(row).toFloatVector());
    }

    @Test
    void aTransposedArrayKeepsItsElementsInPlace() {
        INDArray t = Nd4j.createFromArray(new double[][]{{1, 2, 3}, {4, 5, 6}}).transpose();
        INDArray back = roundTrip(t);
        assertArrayEquals(new long[]{3, 2}, back.shape());
        assertArrayEquals(new double[][]{{1, 4}, {2, 5}, {3, 6}}, back.toDoubleMatrix());
    }

    @Test
    void aDenseFOrderedArrayComesBackFOrdered() {
        INDArray f = Nd4j.createFromArray(new float[][]{{1, 2}, {3, 4}}).dup('f');
        INDArray back = roundTrip(f);
        assertEquals('f', back.ordering());
        assertArrayEquals(new float[][]{{1, 2}, {3, 4}}, back.toFloatMatrix());
    }

    @Test
    void everyFixedWidthTypeComesBackBitForBit() {
        INDArray doubles = Nd4j.createFromArray(1.5, -2.25, Double.NaN);
        for (INDArray a : new INDArray[]{doubles, doubles.castTo(DataType.HALF), doubles.castTo(DataType.BFLOAT16),
                Nd4j.createFromArray(7, -8, 9), Nd4j.createFromArray(Long.MAX_VALUE, -1L),
                Nd4j.createFromArray((short) -3, (short) 4), Nd4j.createFromArray((byte) -3, (byte) 4),
                Nd4j.createFromArray(200, 3).castTo(DataType.UBYTE), Nd4j.createFromArray(true, false, true)}) {
            assertSameArray(a, roundTrip(a));
        }
    }

    @Test
    void emptyAndScalarArraysKeepTheirShape() {
        INDArray zeroRows = roundTrip(Nd4j.create(DataType.FLOAT, 0, 3));
        assertTrue(zeroRows.isEmpty());
        assertArrayEquals(new long[]{0, 3}, zeroRows.shape());
        INDArray empty = roundTrip(Nd4j.empty(DataType.INT));
        assertTrue(empty.isEmpty());
        assertEquals(DataType.INT, empty.dataType());
        assertEquals(0, empty.rank());
        INDArray scalar = roundTrip(Nd4j.scalar(2.5f));
        assertFalse(scalar.isEmpty());
        assertEquals(0, scalar.rank());
        assertEquals(2.5f, scalar.getFloat(0));
    }

    @Test
    void anEmptyArrayAndTheNextObjectStayInStep() {
        Object[] back = roundTrip(new Object[]{Nd4j.empty(DataType.FLOAT), "after"});
        assertTrue(((INDArray) back[0]).isEmpty());
        assertEquals("after", back[1]);
    }

    @Test
    void aTruncatedArrayIsAnError() {
        byte[] b = written(Nd4j.createFromArray(1f, 2f, 3f, 4f));
        assertThrows(KryoException.class, () -> read(Arrays.copyOf(b, b.length - 5)));
    }

    /** A header as {@link BulkNdArraySerializer#write} lays it out, with any values. */
    private static byte[] header(int marker, int typeCode, char order, int rank, long... dims) {
        Output out = new Output(64, -1);
        out.writeByte(marker);
        out.writeInt(typeCode, true);
        out.writeByte(order);
        out.writeInt(rank, true);
        for (long d : dims) {
            out.writeLong(d, true);
        }
        return out.toBytes();
    }

    @Test
    void aDamagedHeaderIsAnError() {
        int f = DataType.FLOAT.toInt();
        byte[][] hostile = {
                header(7, f, 'c', 1, 2),
                header(BulkNdArraySerializer.BULK, DataType.UTF8.toInt(), 'c', 1, 2),
                header(BulkNdArraySerializer.BULK, 999, 'c', 1, 2),
                header(BulkNdArraySerializer.BULK, f, 'x', 1, 2),
                header(BulkNdArraySerializer.BULK, f, 'c', 33),
                header(BulkNdArraySerializer.BULK, f, 'c', 1, -1),
                header(BulkNdArraySerializer.BULK, f, 'c', 2, 65_536, 65_536),
                header(BulkNdArraySerializer.EMPTY, f, 'c', 1, 2),
        };
        for (byte[] h : hostile) {
            assertThrows(KryoException.class, () -> read(h), Arrays.toString(h));
        }
        KryoException e = assertThrows(KryoException.class, () -> read(hostile[0]));
        assertTrue(e.getMessage().contains("marker 7"), e.getMessage());
        e = assertThrows(KryoException.class, () -> read(hostile[6]));
        assertTrue(e.getMessage().contains("more than 2 GB"), e.getMessage());
    }
}
