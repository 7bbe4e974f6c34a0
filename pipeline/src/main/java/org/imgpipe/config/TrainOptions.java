package org.imgpipe.config;

import org.imgpipe.base.EpochMetric;

/**
 * The training run: optimizer, schedule callbacks, augmentation of the training images and the
 * distributed training master ({@code pipeline.train}).
 *
 * @param epochs        the epochs to train (fewer when early stopping ends the run)
 * @param batchSize     the reference batch size (examples per step)
 * @param seed          the seed of the initial weights, the shuffles, the dropout and the augmentation
 * @param modelDir      where checkpoints, the best and final models and the history go (a Hadoop URI)
 * @param resume        whether to go on from the last epoch's checkpoint
 * @param learningRate  RMSProp's learning rate of the first epoch
 * @param rho           RMSProp's decay of the squared-gradient average, 0..1
 * @param epsilon       RMSProp's epsilon, 0..1
 * @param lrSchedule    how the learning rate changes between epochs
 * @param cosineAlpha   with {@link LrSchedule#COSINE}, the floor as a fraction of {@code learningRate}, 0..1
 * @param plateau       with {@link LrSchedule#PLATEAU}, the ReduceLROnPlateau settings
 * @param earlyStopping the EarlyStopping settings (with either schedule)
 * @param labelSmoothing e, 0..0.9: the training labels are {@code y * (1 - e) + e / K} (Keras'
 *                      {@code CategoricalCrossentropy(label_smoothing=e)}); validation, evaluation and
 *                      val_loss keep the plain one-hot labels; 0 = off
 * @param emaMomentum   Keras' {@code ema_momentum} per step (a minibatch on every worker), 0..0.99999:
 *                      validation, the best and the final model use an exponential moving average of the
 *                      weights (Keras' {@code use_ema=True}); 0 = off
 * @param augment       the random augmentation of the training images
 * @param master        the parameter-averaging training master's settings
 */
public record TrainOptions(int epochs, int batchSize, long seed, String modelDir, boolean resume, double learningRate,
                           double rho, double epsilon, LrSchedule lrSchedule, double cosineAlpha,
                           PlateauOptions plateau, EarlyStoppingOptions earlyStopping,
                           double labelSmoothing, double emaMomentum, AugmentOptions augment,
                           MasterOptions master) {

    /** How the learning rate changes between epochs ({@code pipeline.train.lr-schedule}). */
    public enum LrSchedule {
        /** Keras' ReduceLROnPlateau with {@link PlateauOptions} (the reference). */
        PLATEAU,
        /** Keras' CosineDecay over the run's epochs, stepped once per epoch, floor {@code cosineAlpha}. */
        COSINE,
        /** Keras' PolynomialDecay with power 1 and end rate 0 over the run's epochs, stepped once per epoch. */
        LINEAR
    }

    static TrainOptions from(Settings s) {
        Settings rms = s.child("rmsprop");
        return new TrainOptions(s.intAtLeast("epochs", 1), s.intAtLeast("batch-size", 1),
                s.longAtLeast("seed", Long.MIN_VALUE), s.nonEmpty("model-dir"), s.bool("resume"),
                rms.doubleIn("learning-rate", Double.MIN_VALUE, 10), rms.doubleIn("rho", 0, 1),
                rms.doubleIn("epsilon", 0, 1), lrSchedule(s), s.child("cosine-decay").doubleIn("alpha", 0, 1),
                PlateauOptions.from(s.child("lr-on-plateau")),
                EarlyStoppingOptions.from(s.child("early-stopping")), s.doubleIn("label-smoothing", 0, 0.9),
                s.doubleIn("ema-momentum", 0, 0.99999),
                AugmentOptions.from(s.child("augment")),
                MasterOptions.from(s.child("master")));
    }

    /** Keras ReduceLROnPlateau settings. */
    public record PlateauOptions(EpochMetric monitor, double factor, int patience, double minDelta, int cooldown,
                                 double minLr) {
        static PlateauOptions from(Settings s) {
            return new PlateauOptions(monitored(s), s.doubleIn("factor", Double.MIN_VALUE, 0.999999),
                    s.intAtLeast("patience", 0), s.doubleIn("min-delta", 0, Double.MAX_VALUE),
                    s.intAtLeast("cooldown", 0), s.doubleIn("min-lr", 0, Double.MAX_VALUE));
        }
    }

    /** Keras EarlyStopping settings; patience 0 turns it off. */
    public record EarlyStoppingOptions(EpochMetric monitor, int patience, double minDelta) {
        static EarlyStoppingOptions from(Settings s) {
            return new EarlyStoppingOptions(monitored(s), s.intAtLeast("patience", 0),
                    s.doubleIn("min-delta", 0, Double.MAX_VALUE));
        }
    }

    /** dl4j-spark ParameterAveragingTrainingMaster settings; workers 0 = Spark's default parallelism. */
    public record MasterOptions(int workers, int batchSizePerWorker, int averagingFrequency, int prefetch,
                                boolean saveUpdater, String exportDir) {
        static MasterOptions from(Settings s) {
            return new MasterOptions(s.intAtLeast("workers", 0), s.intAtLeast("batch-size-per-worker", 1),
                    s.intAtLeast("averaging-frequency", 1), s.intAtLeast("prefetch", 0), s.bool("save-updater"),
                    s.string("export-dir").trim());
        }
    }

    private static LrSchedule lrSchedule(Settings s) {
        String v = s.string("lr-schedule");
        return switch (v) {
            case "plateau" -> LrSchedule.PLATEAU;
            case "cosine" -> LrSchedule.COSINE;
            case "linear" -> LrSchedule.LINEAR;
            default -> throw s.invalid("lr-schedule", v, "must be plateau, cosine or linear");
        };
    }

    /** The metric a callback watches, by its Keras name. */
    static EpochMetric monitored(Settings s) {
        String v = s.string("monitor");
        return EpochMetric.of(v).orElseThrow(() -> s.invalid("monitor", v,
                "must be one of " + java.util.Arrays.toString(EpochMetric.values())));
    }
}
