package org.imgpipe.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
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

import java.nio.ByteBuffer;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NdArraySerializerTest {
    private static final ClassTag<Object> ANY = ClassTag$.MODULE$.AnyRef();
    private static SerializerInstance kryo;

    @BeforeAll
    static void spark() {
        NativeRuntime.prepare();
        kryo = new KryoSerializer(new SparkConf().set("spark.kryo.registrator", Nd4jKryoRegistrator.class.getName()))
                .newInstance();
    }

    private static byte[] bytes(Object o) {
        ByteBuffer b = kryo.serialize(o, ANY);
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T o) {
        return (T) kryo.deserialize(ByteBuffer.wrap(bytes(o)), ANY);
    }

    @Test
    void theHeaderThenTheElementsAsLittleEndianBytes() {
        Output out = new Output(64);
        new NdArraySerializer().write(new Kryo(), out, Nd4j.createFromArray(1.0f, -2.0f));
        // marker 1 (bulk), FLOAT, 'c', rank 1, shape 2 (Kryo varints), then 1.0f = 0x3F800000, -2.0f = 0xC0000000
        assertArrayEquals(new byte[]{1, (byte) DataType.FLOAT.ordinal(), 'c', 1, 2,
                0, 0, (byte) 0x80, 0x3F, 0, 0, 0, (byte) 0xC0}, out.toBytes());
    }

    @Test
    void aFloatMatrixComesBackEqual() {
        INDArray a = Nd4j.createFromArray(new float[][]{{1, 2, 3}, {4, 5, 6}});
        INDArray back = roundTrip(a);
        assertEquals(DataType.FLOAT, back.dataType());
        assertArrayEquals(new long[]{2, 3}, back.shape());
        assertArrayEquals(new float[]{1, 2, 3, 4, 5, 6}, back.data().asFloat());
    }

    @Test
    void aViewComesBackAsADenseCopyOfItsElements() {
        INDArray column = Nd4j.createFromArray(new float[][]{{1, 2, 3, 4}, {5, 6, 7, 8}, {9, 10, 11, 12}}).getColumn(1);
        assertTrue(column.isView());
        INDArray back = roundTrip(column);
        assertFalse(back.isView());
        assertArrayEquals(new long[]{3}, back.shape());
        assertArrayEquals(new float[]{2, 6, 10}, back.toFloatVector());
    }

    @Test
    void aTransposedArrayKeepsItsElementsInPlace() {
        INDArray t = Nd4j.createFromArray(new double[][]{{1, 2, 3}, {4, 5, 6}}).transpose();
        INDArray back = roundTrip(t);
        assertArrayEquals(new long[]{3, 2}, back.shape());
        assertArrayEquals(new double[][]{{1, 4}, {2, 5}, {3, 6}}, back.toDoubleMatrix());
    }

    @Test
    void anFOrderedArrayComesBackFOrdered() {
        INDArray f = Nd4j.createFromArray(new float[][]{{1, 2}, {3, 4}}).dup('f');
        INDArray back = roundTrip(f);
        assertEquals('f', back.ordering());
        assertEquals(f, back);
    }

    @Test
    void otherTypesComeBackWithTheirType() {
        for (INDArray a : new INDArray[]{Nd4j.createFromArray(1.5, -2.25), Nd4j.createFromArray(7, -8, 9),
                Nd4j.createFromArray(Long.MAX_VALUE, -1L), Nd4j.createFromArray(true, false, true),
                Nd4j.createFromArray((byte) -3, (byte) 4)}) {
            INDArray back = roundTrip(a);
            assertEquals(a.dataType(), back.dataType());
            assertEquals(a, back);
        }
    }

    @Test
    void emptyAndScalarArraysKeepTheirShape() {
        INDArray empty = roundTrip(Nd4j.create(DataType.FLOAT, 0, 3));
        assertTrue(empty.isEmpty());
        assertArrayEquals(new long[]{0, 3}, empty.shape());
        INDArray scalar = roundTrip(Nd4j.scalar(2.5f));
        assertEquals(0, scalar.rank());
        assertEquals(2.5f, scalar.getFloat(0));
    }

    @Test
    void aWorkersResultComesBackWithItsParametersAndOptimizerState() {
        INDArray params = Nd4j.linspace(DataType.FLOAT, 1, 1000, 1).reshape(1, 1000);
        INDArray state = params.mul(-1);
        ParameterAveragingTrainingResult back = roundTrip(
                new ParameterAveragingTrainingResult(params, state, 0.25, null, null, null));
        assertEquals(params, back.getParameters());
        assertEquals(state, back.getUpdaterState());
        assertEquals(0.25, back.getScore());
    }

    @Test
    void aTruncatedArrayIsAnError() {
        byte[] b = bytes(Nd4j.createFromArray(1f, 2f, 3f, 4f));
        assertThrows(KryoException.class,
                () -> kryo.deserialize(ByteBuffer.wrap(Arrays.copyOf(b, b.length - 5)), ANY));
    }

    @Test
    void anUnknownMarkerIsAnError() {
        Input in = new Input(new byte[]{7, 1, 'c', 1, 2, 0, 0, 0, 0, 0, 0, 0, 0});
        KryoException e = assertThrows(KryoException.class,
                () -> new NdArraySerializer().read(new Kryo(), in, INDArray.class));
        assertTrue(e.getMessage().contains("marker 7"), e.getMessage());
    }

    @Test
    void aBadHeaderIsAnError() {
        Input in = new Input(new byte[]{1, (byte) DataType.FLOAT.ordinal(), 'x', 1, 2, 0, 0, 0, 0, 0, 0, 0, 0});
        KryoException e = assertThrows(KryoException.class,
                () -> new NdArraySerializer().read(new Kryo(), in, INDArray.class));
        assertTrue(e.getMessage().contains("order"), e.getMessage());
    }
}
