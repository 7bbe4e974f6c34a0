package org.imgpipe.model;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ExecutorModelsTest {
    private static final float[][] EXPECTED = {{0, 1, 2}, {3, 4, 5}};

    @Test
    void rowsOfACOrderedMatrix() {
        assertArrayEquals(EXPECTED, ExecutorModels.rows(Nd4j.create(new float[]{0, 1, 2, 3, 4, 5}, new long[]{2, 3}, 'c')));
    }

    @Test
    void rowsOfAnFOrderedMatrix() {
        assertArrayEquals(EXPECTED, ExecutorModels.rows(Nd4j.create(new float[]{0, 3, 1, 4, 2, 5}, new long[]{2, 3}, 'f')));
    }

    @Test
    void rowsOfAViewReadOnlyItsElements() {
        INDArray larger = Nd4j.arange(0, 12).castTo(DataType.FLOAT).reshape('c', 4, 3);
        INDArray middle = larger.get(NDArrayIndex.interval(1, 3), NDArrayIndex.all());
        assertArrayEquals(new float[][]{{3, 4, 5}, {6, 7, 8}}, ExecutorModels.rows(middle));
    }

    @Test
    void onlyAMatrixHasRows() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ExecutorModels.rows(Nd4j.create(DataType.FLOAT, 2, 3, 1)));
        assertEquals("expected an [N, K] matrix, got shape [2, 3, 1]", e.getMessage());
    }

    @Test
    void noRowsGiveAnEmptyArray() {
        assertEquals(0, ExecutorModels.rows(Nd4j.create(DataType.FLOAT, 0, 10)).length);
    }
}
