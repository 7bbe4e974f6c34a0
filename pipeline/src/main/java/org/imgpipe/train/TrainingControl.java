package org.imgpipe.train;

/** What epoch listeners may change between epochs: the learning rate, and whether to go on. */
public final class TrainingControl {
    private double learningRate;
    private String stopReason;

    /** @param learningRate the learning rate of the first epoch */
    public TrainingControl(double learningRate) {
        this.learningRate = learningRate;
    }

    /** @return the learning rate the next epoch trains with */
    public double learningRate() {
        return learningRate;
    }

    /**
     * Changes the learning rate from the next epoch on; {@code SparkTrainer} sets it on the model before the fit.
     *
     * @param lr the new learning rate
     */
    public void setLearningRate(double lr) {
        this.learningRate = lr;
    }

    /**
     * Asks the trainer to stop after the current epoch; a later call replaces the reason.
     *
     * @param reason why, in words for the log and the checkpoint (not null)
     */
    public void requestStop(String reason) {
        this.stopReason = reason;
    }

    /** @return whether a listener has asked to stop */
    public boolean stopRequested() {
        return stopReason != null;
    }

    /** @return why training stops, or null when no stop was requested */
    public String stopReason() {
        return stopReason;
    }
}
