package org.imgpipe.report;

import org.imgpipe.base.EpochResult;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Figures read off a training history (this run's or the reference's); NaN metric entries are skipped. */
public final class HistoryFigures {
    private HistoryFigures() {
    }

    /**
     * @param epochs epochs in order, with the learning rate each trained with
     * @return the epochs after which the learning rate went down, in order
     */
    public static List<Integer> lrDrops(List<EpochResult> epochs) {
        List<Integer> drops = new ArrayList<>();
        for (int i = 1; i < epochs.size(); i++) {
            if (epochs.get(i).lr() < epochs.get(i - 1).lr()) {
                drops.add(epochs.get(i - 1).epoch());
            }
        }
        return drops;
    }

    /**
     * @param epochs epochs in order, with the learning rate each trained with
     * @return whether the rate fell after every epoch of a history of at least 3: a decay schedule such as
     *         Keras' CosineDecay rather than steps such as ReduceLROnPlateau's
     */
    public static boolean decaysEveryEpoch(List<EpochResult> epochs) {
        return epochs.size() >= 3 && lrDrops(epochs).size() == epochs.size() - 1;
    }

    /**
     * @param epochs epochs in order, with the learning rate each trained with
     * @return the epochs after which the rate dropped as a step: {@link #lrDrops}, or none for a history
     *         that {@link #decaysEveryEpoch} (a marker after every epoch would hide the curves)
     */
    public static List<Integer> stepDrops(List<EpochResult> epochs) {
        return decaysEveryEpoch(epochs) ? List.of() : lrDrops(epochs);
    }

    /**
     * @param epochs a history
     * @return the epoch of the highest validation accuracy (the first of equals), or empty when none is logged
     */
    public static Optional<EpochResult> peakValAccuracy(List<EpochResult> epochs) {
        return logged(epochs, EpochResult::valAccuracy).max(Comparator.comparingDouble(EpochResult::valAccuracy)
                .thenComparing(EpochResult::epoch, Comparator.reverseOrder()));
    }

    /**
     * @param epochs a history
     * @return the epoch of the lowest validation loss (the first of equals), or empty when none is logged
     */
    public static Optional<EpochResult> bestValLoss(List<EpochResult> epochs) {
        return logged(epochs, EpochResult::valLoss).min(Comparator.comparingDouble(EpochResult::valLoss)
                .thenComparing(EpochResult::epoch));
    }

    /**
     * @param epochs a history
     * @return the last epoch with a logged validation accuracy, or empty
     */
    public static Optional<EpochResult> lastValAccuracy(List<EpochResult> epochs) {
        return logged(epochs, EpochResult::valAccuracy).reduce((a, b) -> b);
    }

    /**
     * @param epochs a history
     * @param epoch  an epoch number
     * @return that epoch's entry, or empty
     */
    public static Optional<EpochResult> epoch(List<EpochResult> epochs, int epoch) {
        return epochs.stream().filter(e -> e.epoch() == epoch).findFirst();
    }

    private static java.util.stream.Stream<EpochResult> logged(List<EpochResult> epochs,
                                                               java.util.function.ToDoubleFunction<EpochResult> f) {
        return epochs.stream().filter(e -> Double.isFinite(f.applyAsDouble(e)));
    }
}
