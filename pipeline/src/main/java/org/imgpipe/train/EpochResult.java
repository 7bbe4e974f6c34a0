package org.imgpipe.train;

/** The figures of one finished epoch; lr is the learning rate the epoch trained with. */
public record EpochResult(int epoch, double loss, double accuracy, double valLoss, double valAccuracy, double lr,
                          double seconds) {

    /** A metric by its Keras name. */
    public double metric(String name) {
        return switch (name) {
            case "loss" -> loss;
            case "accuracy" -> accuracy;
            case "val_loss" -> valLoss;
            case "val_accuracy" -> valAccuracy;
            default -> throw new IllegalArgumentException("unknown metric " + name);
        };
    }
}
