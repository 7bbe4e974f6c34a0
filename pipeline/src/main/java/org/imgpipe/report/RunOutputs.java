package org.imgpipe.report;

import org.imgpipe.config.AugmentOptions;
import org.imgpipe.data.IngestReport;
import org.imgpipe.data.LabeledImage;
import org.imgpipe.eval.MetricsReport;
import org.imgpipe.runtime.RunEnvironment;
import org.imgpipe.base.EpochResult;

import java.util.List;
import java.util.Optional;

/**
 * What a run has produced so far, as the report reads it; each part is optional because a report can
 * be drawn after any stage (ingest only, training without evaluation, ...).
 *
 * @param workDir       the run's work directory, as shown to the user
 * @param classNames    the class names in label order (empty before ingest)
 * @param ingest        the ingest report (counts per split and class, skipped files)
 * @param samples       sample images of one fold for the grid
 * @param augment       the augmentation configured for training, drawn on the samples when enabled
 * @param modelSummary  the Keras-style summary of the model
 * @param history       the training history, one entry per finished epoch (empty before training)
 * @param trainImages   training images per epoch (0 when unknown)
 * @param validationImages validation images per epoch (0 when unknown)
 * @param evaluation    the evaluation of {@code evaluationSplit}
 * @param evaluationSplit the split the evaluation covers (or would cover)
 * @param training      the environment and settings the training recorded
 * @param reporting     this report job's own environment and settings (shown when training recorded
 *                      none)
 */
public record RunOutputs(String workDir, List<String> classNames, Optional<IngestReport> ingest,
                         Optional<Samples> samples, AugmentOptions augment, Optional<String> modelSummary,
                         List<EpochResult> history,
                         long trainImages, long validationImages, Optional<MetricsReport.Saved> evaluation,
                         String evaluationSplit, Optional<RunSettings> training, RunSettings reporting) {

    /**
     * Sample images for the grid.
     *
     * @param fold      the fold they come from
     * @param imageSize their side in pixels
     * @param perClass  images asked for per class (a class may have fewer)
     * @param images    grouped by label, in label order
     */
    public record Samples(String fold, int imageSize, int perClass, List<LabeledImage> images) {
    }

    /**
     * Where and with which settings a job ran.
     *
     * @param environment versions, CPU, Spark master
     * @param settings    the effective configuration as HOCON, secrets redacted
     */
    public record RunSettings(RunEnvironment environment, String settings) {
    }
}
