package org.imgpipe.train;

/** What epoch listeners may change between epochs: the learning rate, and whether to go on. */
public final class TrainingControl {
    private double learningRate;
    private String stopReason;

    public TrainingControl(double learningRate) {
        this.learningRate = learningRate;
    }

    public double learningRate() {
        return learningRate;
    }

    public void setLearningRate(double lr) {
        this.learningRate = lr;
    }

    public void requestStop(String reason) {
        this.stopReason = reason;
    }

    public boolean stopRequested() {
        return stopReason != null;
    }

    public String stopReason() {
        return stopReason;
    }
}
