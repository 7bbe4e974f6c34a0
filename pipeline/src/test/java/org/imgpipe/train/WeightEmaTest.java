package org.imgpipe.train;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class WeightEmaTest {
    /** A 2-in, 2-out dense softmax layer: 6 parameters (4 weights, 2 biases). */
    private static ComputationGraph tiny() {
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT)
                .graphBuilder().addInputs("in")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(2).nOut(2)
                        .activation(Activation.SOFTMAX).build(), "in")
                .setOutputs("out").build());
        g.init();
        return g;
    }

    private static INDArray weights(float... values) {
        return Nd4j.createFromArray(values).reshape(1, values.length);
    }

    private static float[] values(ComputationGraph g) {
        return g.params().toFloatVector();
    }

    @Test
    void theFirstRoundReplacesTheAverageAndLeavesTheTrainedModelAlone() {
        ComputationGraph graph = tiny();
        float[] trained = values(graph);
        WeightEma ema = WeightEma.start(graph, 0.5);
        ema.update(weights(1, 2, 3, 4, 5, 6), 5);
        assertArrayEquals(new float[]{1, 2, 3, 4, 5, 6}, values(ema.model()), "Keras' first step: momentum 0");
        assertArrayEquals(trained, values(graph));
    }

    @Test
    void aRoundOfFMinibatchesMovesTheAverageByMomentumToTheF() {
        WeightEma ema = WeightEma.start(tiny(), 0.5);
        ema.update(weights(8, 8, 8, 8, 8, -8), 2);
        ema.update(weights(0, 4, 8, 12, 16, 0), 2);
        // 0.5^2 = 0.25 of the old average, 0.75 of the new weights
        assertArrayEquals(new float[]{2, 5, 8, 11, 14, -2}, values(ema.model()), 1e-6f);
    }

    @Test
    void aResumedAverageBlendsFromItsFirstRound() {
        ComputationGraph saved = tiny();
        saved.params().assign(weights(4, 4, 4, 4, 4, 4));
        WeightEma ema = WeightEma.resume(saved, 0.5);
        ema.update(weights(0, 0, 0, 0, 0, 8), 1);
        assertArrayEquals(new float[]{2, 2, 2, 2, 2, 6}, values(ema.model()), 1e-6f);
    }

    @Test
    void aRoundWithoutStepsOrWithOtherWeightsIsRefused() {
        WeightEma ema = WeightEma.start(tiny(), 0.5);
        assertThrows(IllegalArgumentException.class, () -> ema.update(weights(1, 2, 3, 4, 5, 6), 0));
        assertThrows(IllegalArgumentException.class, () -> ema.update(weights(1, 2, 3, 4, 5), 1));
    }

    @Test
    void aMomentumOutsideZeroToOneIsRefused() {
        ComputationGraph graph = tiny();
        for (double bad : new double[]{0, 1, -0.5, Double.NaN}) {
            assertThrows(IllegalArgumentException.class, () -> WeightEma.start(graph, bad), "momentum " + bad);
        }
    }
}
