package org.imgpipe.model.fast;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The arithmetic of the inference folding, on hand-made numbers. */
class FoldedModelSTest {
    @Test
    void anInputAffineMapFoldsIntoTheKernelAndBias() {
        // one output, two inputs, kernels of two taps: bias += (1 + 2) * 1 + (3 + 4) * 10
        float[] kernel = {1, 2, 3, 4};
        float[] bias = {0.5f};
        FoldedModelS.foldInputAffine(kernel, bias, new float[]{2, -1}, new float[]{1, 10});
        assertArrayEquals(new float[]{2, 4, -3, -4}, kernel);
        assertArrayEquals(new float[]{73.5f}, bias);
    }

    @Test
    void anIdentityMapChangesNothing() {
        float[] kernel = {1, 2, 3, 4, 5, 6, 7, 8};
        float[] bias = {1, -1};
        FoldedModelS.foldInputAffine(kernel, bias, new float[]{1, 1}, new float[]{0, 0});
        assertArrayEquals(new float[]{1, 2, 3, 4, 5, 6, 7, 8}, kernel);
        assertArrayEquals(new float[]{1, -1}, bias);
    }

    @Test
    void mismatchedLengthsAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FoldedModelS.foldInputAffine(new float[5], new float[2], new float[2], new float[2]));
        assertEquals("kernel of 5 floats does not match 2 outputs and 2 inputs", e.getMessage());
    }

    @Test
    void batchNormAtInferenceIsAScaleAndAShift() {
        // log10std 0: variance 1, plus eps 3: sqrt(4) = 2; scale = gamma / 2, shift = beta - mean * scale
        float[][] affine = FoldedModelS.batchNormAffine(new float[]{2, -1}, new float[]{1, 0}, new float[]{3, 2},
                new float[]{0, 0}, 3);
        assertArrayEquals(new float[]{1, -0.5f}, affine[0]);
        assertArrayEquals(new float[]{-2, 1}, affine[1]);
        float[][] noChannels = FoldedModelS.batchNormAffine(new float[0], new float[0], new float[0], new float[0], 1);
        assertEquals(0, noChannels[0].length);
    }

    @Test
    void pooledSideOfModelSInputs() {
        assertEquals(5, FoldedModelS.pooledSide(32));
        assertEquals(5, FoldedModelS.pooledSide(33));
        assertEquals(5, FoldedModelS.pooledSide(35));
        assertEquals(6, FoldedModelS.pooledSide(36));
    }

    @Test
    void softmaxOfKnownLogits() {
        float[] logits = {0, (float) Math.log(3), 5, 5, 5, 5};
        OneDnnForward.softmaxRows(logits, 2);
        assertArrayEquals(new float[]{0.25f, 0.75f, 0.5f, 0.5f, 0.5f, 0.5f}, logits, 1e-7f);
    }
}
