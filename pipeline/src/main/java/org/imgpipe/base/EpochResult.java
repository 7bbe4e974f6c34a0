package org.imgpipe.base;

/**
 * The figures of one finished epoch, as Keras' History logs them.
 *
 * @param epoch       1-based
 * @param loss        mean training loss over the epoch's minibatches (cross-entropy plus penalty)
 * @param accuracy    fraction of training images classified right while fitting, 0..1
 * @param valLoss     validation cross-entropy plus the penalty, as Keras reports it
 * @param valAccuracy fraction of validation images classified right, 0..1
 * @param lr          the learning rate the epoch trained with
 * @param seconds     wall-clock seconds of fitting and validation
 */
public record EpochResult(int epoch, double loss, double accuracy, double valLoss, double valAccuracy, double lr,
                          double seconds) {

    /**
     * @param metric which figure
     * @return its value in this epoch
     */
    public double value(EpochMetric metric) {
        return switch (metric) {
            case LOSS -> loss;
            case ACCURACY -> accuracy;
            case VAL_LOSS -> valLoss;
            case VAL_ACCURACY -> valAccuracy;
        };
    }
}
