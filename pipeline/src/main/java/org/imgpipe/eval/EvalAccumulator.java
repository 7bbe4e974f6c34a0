package org.imgpipe.eval;

import java.io.Serializable;
import java.util.List;

/**
 * Everything evaluation needs, as counts that merge across partitions: summed cross-entropy, the
 * confusion matrix (rows = true class) and, per class, histograms of the predicted probability for
 * positive and negative examples over equal-width score bins (the ROC curve's raw material).
 */
public final class EvalAccumulator implements Serializable {
    /** Keras clips probabilities to [1e-7, 1 - 1e-7] before taking the log. */
    static final double PROB_CLIP = 1e-7;
    /** How many of the most confident mistakes an evaluation keeps (with their pixels) for the report. */
    public static final int MISTAKES_KEPT = 24;

    private final int numClasses;
    private final int bins;
    private long count;
    private double crossEntropySum;
    private final long[][] confusion;
    private final long[][] positives;
    private final long[][] negatives;
    private final ConfidentMistakes mistakes = new ConfidentMistakes(MISTAKES_KEPT);

    /**
     * @param numClasses the number of classes, K
     * @param bins       equal-width probability bins of the ROC histograms
     */
    public EvalAccumulator(int numClasses, int bins) {
        this.numClasses = numClasses;
        this.bins = bins;
        this.confusion = new long[numClasses][numClasses];
        this.positives = new long[numClasses][bins];
        this.negatives = new long[numClasses][bins];
    }

    /**
     * Adds one example with its true label and the predicted class probabilities.
     *
     * @param label the true class, 0..K-1
     * @param probs the K predicted probabilities (softmax output)
     */
    public void add(int label, float[] probs) {
        add(label, probs, null);
    }

    /**
     * As {@link #add(int, float[])}, keeping the image when it is among the most confident mistakes.
     *
     * @param pixels the example's HWC RGB uint8 pixels, or null to keep no image
     */
    public void add(int label, float[] probs, byte[] pixels) {
        count++;
        double p = Math.min(1 - PROB_CLIP, Math.max(PROB_CLIP, probs[label]));
        crossEntropySum -= Math.log(p);
        int predicted = 0;
        for (int c = 1; c < numClasses; c++) {
            if (probs[c] > probs[predicted]) {
                predicted = c;
            }
        }
        confusion[label][predicted]++;
        if (predicted != label && pixels != null) {
            mistakes.offer(new ConfidentMistakes.Mistake(label, predicted, probs[predicted], pixels));
        }
        for (int c = 0; c < numClasses; c++) {
            int bin = bin(probs[c]);
            if (c == label) {
                positives[c][bin]++;
            } else {
                negatives[c][bin]++;
            }
        }
    }

    int bin(float score) {
        return Math.min(bins - 1, Math.max(0, (int) Math.floor(score * (double) bins)));
    }

    /**
     * @param o the accumulator of other examples, left unchanged
     * @return this accumulator, now counting both
     * @throws IllegalArgumentException when the class or bin counts differ
     */
    public EvalAccumulator merge(EvalAccumulator o) {
        if (o.numClasses != numClasses || o.bins != bins) {
            throw new IllegalArgumentException("cannot merge evaluations of different shapes");
        }
        count += o.count;
        mistakes.merge(o.mistakes);
        crossEntropySum += o.crossEntropySum;
        for (int i = 0; i < numClasses; i++) {
            for (int j = 0; j < numClasses; j++) {
                confusion[i][j] += o.confusion[i][j];
            }
            for (int b = 0; b < bins; b++) {
                positives[i][b] += o.positives[i][b];
                negatives[i][b] += o.negatives[i][b];
            }
        }
        return this;
    }

    /** @return K, the number of classes */
    public int numClasses() {
        return numClasses;
    }

    /** @return the number of equal-width probability bins of the ROC histograms */
    public int bins() {
        return bins;
    }

    /** @return the examples added, merged ones included */
    public long count() {
        return count;
    }

    /** Mean cross-entropy of the predictions, without regularization. */
    public double meanCrossEntropy() {
        return count == 0 ? Double.NaN : crossEntropySum / count;
    }

    /** @return the fraction of examples whose argmax class is the true one, NaN when none was added */
    public double accuracy() {
        long correct = 0;
        for (int c = 0; c < numClasses; c++) {
            correct += confusion[c][c];
        }
        return count == 0 ? Double.NaN : (double) correct / count;
    }

    /** @return the K x K confusion matrix, rows = true class, columns = predicted class */
    public long[][] confusion() {
        return confusion;
    }

    /** @return the most confident mistakes whose pixels were given, most confident first */
    public List<ConfidentMistakes.Mistake> mistakes() {
        return mistakes.mostConfidentFirst();
    }

    long[] positives(int c) {
        return positives[c];
    }

    long[] negatives(int c) {
        return negatives[c];
    }
}
