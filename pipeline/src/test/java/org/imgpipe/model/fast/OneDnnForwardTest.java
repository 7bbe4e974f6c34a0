package org.imgpipe.model.fast;

import org.bytedeco.dnnl.global.dnnl;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.imgpipe.model.ModelS;
import org.imgpipe.runtime.NativeRuntime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Collections;
import java.util.List;
import java.util.concurrent.FutureTask;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The chain's own contract: what it refuses and loads, and that a closed chain does not run. */
class OneDnnForwardTest {
    private static FoldedModelS model;

    @BeforeAll
    static void fold() {
        NativeRuntime.prepare();
        assumeTrue(OneDnnResources.available(), "oneDNN's presets do not load here");
        model = FoldedModelS.of(ModelS.build(ModelS.Spec.reference()));
    }

    @Test
    void probabilitiesOfABatchSumToOne() {
        try (OneDnnForward chain = new OneDnnForward(model, 2, 32)) {
            float[] p = chain.probabilities(Nd4j.rand(DataType.FLOAT, 2, 3, 32, 32).muli(255));
            assertEquals(20, p.length);
            double first = 0;
            for (int k = 0; k < 10; k++) {
                first += p[k];
            }
            assertEquals(1, first, 1e-6);
        }
    }

    @Test
    void theThirdConvolutionRunsWinogradWhereOneDnnHasItAndTheChainStillMatchesDl4j() {
        ComputationGraph graph = ModelS.build(ModelS.Spec.reference(10, 3));
        INDArray x = Nd4j.rand(DataType.FLOAT, 8, 3, 32, 32).muli(255);
        float[] expected = graph.output(false, x)[0].data().asFloat();
        try (OneDnnForward chain = new OneDnnForward(FoldedModelS.of(graph), 8, 32)) {
            List<String> kernels = chain.convolutionKernels();
            assertEquals(4, kernels.size());
            // oneDNN's Winograd kernels are AVX-512 ones and take no binary post-op (conv2d_2's and conv2d_4's
            // batch norm); conv2d_1 has 3 input channels.
            boolean winograd = NativeRuntime.oneDnnUsesAvx512() && FastConvolutionLayer.winogradChosen();
            for (int l = 0; l < 4; l++) {
                assertEquals(winograd && l == 2, kernels.get(l).contains("wino"), kernels.toString());
            }
            assertArrayEquals(expected, chain.probabilities(x), 1e-5f);
        }
    }

    @Test
    void aChainRunsOnAThreadOtherThanTheOneThatCreatedIt() throws Exception {
        // Spark hands a predictor's chains from one task thread to the next. In oneDNN's default mode a
        // primitive's scratchpad belongs to the thread that created it, and the Winograd kernel's is large: run on
        // a new thread, whose own is empty, it wrote through a null buffer and the JVM crashed.
        INDArray x = Nd4j.rand(DataType.FLOAT, 16, 3, 32, 32).muli(255);
        int threads = NativeRuntime.threadsOfThisThread();
        try (OneDnnForward chain = new OneDnnForward(model, 16, 32)) {
            assertEquals(Collections.nCopies(8, dnnl.scratchpad_mode.user), chain.scratchpadModes());
            float[] here = chain.probabilities(x);
            FutureTask<float[]> there = new FutureTask<>(() -> {
                NativeRuntime.useThreads(threads);
                return chain.probabilities(x);
            });
            new Thread(there).start();
            assertArrayEquals(here, there.get(), 1e-6f);
        }
    }

    @Test
    void aPermutedArrayIsRefusedNotMisread() {
        try (OneDnnForward chain = new OneDnnForward(model, 1, 32)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> chain.probabilities(Nd4j.create(DataType.FLOAT, 1, 32, 32, 3).permute(0, 3, 1, 2)));
            assertEquals("expected C-order floats of shape [1, 3, 32, 32] at offset 0, got FLOAT [1, 3, 32, 32] with"
                    + " strides [3072, 1, 96, 3] at offset 0", e.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> chain.probabilities(Nd4j.create(DataType.FLOAT, 2, 3, 32, 32)));
            assertThrows(IllegalArgumentException.class,
                    () -> chain.probabilities(Nd4j.create(DataType.DOUBLE, 1, 3, 32, 32)));
        }
    }

    @Test
    void aClosedChainDoesNotRun() {
        OneDnnForward chain = new OneDnnForward(model, 1, 32);
        chain.close();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> chain.probabilities(Nd4j.create(DataType.FLOAT, 1, 3, 32, 32)));
        assertEquals("this oneDNN chain was closed", e.getMessage());
    }

    @Test
    void aModelOfOtherShapesIsNotLoadedAndAClosedChainLoadsNothing() {
        FoldedModelS fiveClasses = FoldedModelS.of(ModelS.build(ModelS.Spec.reference(5, 42)));
        assertTrue(model.sameShapes(FoldedModelS.of(ModelS.build(ModelS.Spec.reference(10, 7)))));
        assertFalse(model.sameShapes(fiveClasses));
        OneDnnForward chain = new OneDnnForward(model, 1, 32);
        float[] before = chain.probabilities(Nd4j.ones(DataType.FLOAT, 1, 3, 32, 32));
        assertEquals("the model's parameters do not fit this chain: 2560 values where the chain holds 5120",
                assertThrows(IllegalArgumentException.class, () -> chain.load(fiveClasses)).getMessage());
        assertArrayEquals(before, chain.probabilities(Nd4j.ones(DataType.FLOAT, 1, 3, 32, 32)), "nothing loaded");
        chain.close();
        assertThrows(IllegalStateException.class, () -> chain.load(model));
    }

    @Test
    void batchSizesBelowOneAndImagesThatDoNotFitAreRefused() {
        assertEquals("batch size must be at least 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> new OneDnnForward(model, 0, 32)).getMessage());
        assertEquals("28x28 images do not fit the model's dense layer (it takes 5x5 pooled activations)",
                assertThrows(IllegalArgumentException.class, () -> new OneDnnForward(model, 1, 28)).getMessage());
    }
}
