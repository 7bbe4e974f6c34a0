package org.imgpipe.model.fast;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.RmsProp;

/**
 * RMSProp whose step runs as {@link JavaRmsPropUpdater}: the same settings, state and arithmetic as
 * DL4J's {@link RmsProp}, which saved models name by this class (loading them needs this library).
 */
public class FastRmsProp extends RmsProp {

    /** For JSON. */
    public FastRmsProp() {
    }

    /**
     * RMSProp with DL4J's (and Keras') parameters.
     *
     * @param learningRate the step size
     * @param rmsDecay the moving average's decay of squared gradients (Keras' {@code rho})
     * @param epsilon added to the root mean square before dividing
     */
    public FastRmsProp(double learningRate, double rmsDecay, double epsilon) {
        super(learningRate, rmsDecay, epsilon);
    }

    @Override
    public GradientUpdater instantiate(INDArray viewArray, boolean initializeViewArray) {
        JavaRmsPropUpdater u = new JavaRmsPropUpdater(this);
        u.setStateViewArray(viewArray, viewArray.shape(), viewArray.ordering(), initializeViewArray);
        return u;
    }

    /** DL4J copies updater settings into every layer by cloning; RmsProp's clone would drop this class. */
    @Override
    public FastRmsProp clone() {
        FastRmsProp copy = new FastRmsProp(getLearningRate(), getRmsDecay(), getEpsilon());
        copy.setLearningRateSchedule(getLearningRateSchedule() == null ? null : getLearningRateSchedule().clone());
        return copy;
    }
}
