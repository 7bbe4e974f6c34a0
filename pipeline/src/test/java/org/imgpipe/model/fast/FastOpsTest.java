package org.imgpipe.model.fast;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.regularization.L1Regularization;
import org.nd4j.linalg.learning.regularization.L2Regularization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * The Java RMSProp, penalties and ReLU against DL4J's own on the array shapes DL4J hands them: views
 * at an offset inside one flat parameter vector, in 'c' and 'f' order, with exact zeros.
 */
class FastOpsTest {
    private static final long SEED = 3;

    /** A [rows, cols] view at an offset inside a longer vector, as DL4J lays out each layer's weights. */
    private static INDArray viewInVector(long rows, long cols, char order, long offset) {
        INDArray flat = Nd4j.rand(DataType.FLOAT, 1, offset + rows * cols + 7).subi(0.5);
        INDArray view = flat.get(NDArrayIndex.point(0), NDArrayIndex.interval(offset, offset + rows * cols))
                .reshape(order, rows, cols);
        view.putScalar(0, 0, 0f);
        return view;
    }

    @Test
    void rmsPropMatchesDl4jOverSeveralSteps() {
        Nd4j.getRandom().setSeed(SEED);
        INDArray stockState = Nd4j.zeros(DataType.FLOAT, 1, 50_000);
        INDArray fastState = stockState.dup();
        GradientUpdater<?> stock = new RmsProp(1e-3, 0.9, 1e-7).instantiate(stockState, true);
        GradientUpdater<?> fast = new FastRmsProp(1e-3, 0.9, 1e-7).instantiate(fastState, true);
        assertInstanceOf(JavaRmsPropUpdater.class, fast);
        for (int step = 0; step < 4; step++) {
            INDArray g = Nd4j.randn(DataType.FLOAT, 1, 50_000).muli(Math.pow(10, -step));
            INDArray a = g.dup();
            INDArray b = g.dup();
            stock.applyUpdater(a, step, 0);
            fast.applyUpdater(b, step, 0);
            assertEquals(0, a.sub(b).amaxNumber().doubleValue(), 1e-9 * a.amaxNumber().doubleValue(), "update " + step);
            assertEquals(0, stockState.sub(fastState).amaxNumber().doubleValue(), 1e-12, "state " + step);
        }
    }

    @Test
    void penaltiesMatchDl4jsL1AndL2OnWeightViews() {
        Nd4j.getRandom().setSeed(SEED);
        for (char order : new char[]{'c', 'f'}) {
            INDArray w = viewInVector(300, 170, order, 1234);
            INDArray stockGrad = viewInVector(300, 170, order, 77).muli(1e-3);
            INDArray fastGrad = stockGrad.dup(order);
            new L1Regularization(1e-3).apply(w, stockGrad, 0, 0, 0);
            new L2Regularization(2e-2).apply(w, stockGrad, 0, 0, 0);
            ElasticNetRegularization penalty = new ElasticNetRegularization(1e-3, 2e-2);
            penalty.apply(w, fastGrad, 0, 0, 0);
            assertEquals(0, stockGrad.sub(fastGrad).amaxNumber().doubleValue(), 1e-9, "gradient, order " + order);
            double stockScore = new L1Regularization(1e-3).score(w, 0, 0) + new L2Regularization(2e-2).score(w, 0, 0);
            assertEquals(stockScore, penalty.score(w, 0, 0), 1e-5 * stockScore, "penalty, order " + order);
        }
    }

    @Test
    void reluAndItsGradientMatchDl4j() {
        Nd4j.getRandom().setSeed(SEED);
        for (char order : new char[]{'c', 'f'}) {
            INDArray z = viewInVector(64, 900, order, 11);
            INDArray eps = Nd4j.randn(DataType.FLOAT, 64, 900).dup(order);
            assertEquals(new ActivationReLU().backprop(z.dup(order), eps.dup(order)).getFirst(),
                    new FastReLU().backprop(z.dup(order), eps.dup(order)).getFirst(), "gradient, order " + order);
            assertEquals(new ActivationReLU().getActivation(z.dup(order), true),
                    new FastReLU().getActivation(z.dup(order), true), "activation, order " + order);
        }
    }
}
