package org.imgpipe.workflow;

import org.imgpipe.base.EpochMetric;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.imgpipe.base.UserError;
import org.imgpipe.config.DataOptions;
import org.imgpipe.config.ModelOptions;
import org.imgpipe.config.TrainOptions;
import org.imgpipe.data.DatasetManifest;
import org.imgpipe.data.DecodedStore;
import org.imgpipe.data.LabeledImage;
import org.imgpipe.eval.DistributedEvaluator;
import org.imgpipe.io.Locations;
import org.imgpipe.model.ModelS;
import org.imgpipe.model.ModelStore;
import org.imgpipe.model.ModelSummary;
import org.imgpipe.registry.ModelRegistry;
import org.imgpipe.registry.ModelVersion;
import org.imgpipe.spark.JobPhase;
import org.imgpipe.train.BestModelCheckpoint;
import org.imgpipe.train.CosineDecay;
import org.imgpipe.train.LinearDecay;
import org.imgpipe.train.EarlyStopping;
import org.imgpipe.train.EpochListener;
import org.imgpipe.base.EpochResult;
import org.imgpipe.train.ProgressPrinter;
import org.imgpipe.train.ReduceLrOnPlateau;
import org.imgpipe.train.Resumable;
import org.imgpipe.train.ResumeCheckpoint;
import org.imgpipe.train.SparkTrainer;
import org.imgpipe.train.TrainingControl;
import org.imgpipe.train.TrainingHistory;
import org.imgpipe.train.WeightEma;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Train: build Model S, train it on the decoded training folds with Spark parameter averaging,
 * validate every epoch, keep the best-val_loss checkpoint, the final model and the history.
 */
public final class TrainWorkflow {
    private final RunContext run;
    /** Run settings recorded since a later version, with the value every older checkpoint was trained with. */
    private static final Map<String, String> RECORDED_LATER = Map.of("pipeline.model.dropout", Double.toString(0.5),
            "pipeline.train.lr-schedule", "plateau", "pipeline.train.label-smoothing", Double.toString(0.0),
            "pipeline.train.ema-momentum", Double.toString(0.0));
    private final List<EpochListener> extraListeners = new ArrayList<>();

    /**
     * @param run the run's context: configuration, session, Hadoop configuration, locations
     */
    public TrainWorkflow(RunContext run) {
        this.run = run;
    }

    /** Adds a listener after the built-in ones and before the resume checkpoint (for embedding). */
    public TrainWorkflow addListener(EpochListener listener) {
        extraListeners.add(listener);
        return this;
    }

    /** The history of the run, where its models are and the registry version of the best one. */
    public record Result(List<EpochResult> history, int bestEpoch, double bestValLoss, String stopReason,
                         Workspace workspace, ModelVersion version) {
    }

    /**
     * Trains a new Model S (or, with {@code pipeline.train.resume}, goes on from the checkpoint), saves the final
     * model, registers the best-val_loss model as a registry version and makes it current when the registry had
     * none.
     *
     * @return the history, the best epoch and its val_loss, why training stopped early (or null) and the version
     * @throws UserError when an output folder is not writable, the data was not ingested or at another image size,
     *     a training or validation fold has no images, or the checkpoint is missing or from other settings
     * @throws IOException when data, models or history cannot be read or written
     */
    public Result run() throws IOException {
        JavaSparkContext jsc = run.jsc();
        Configuration conf = run.hadoop();
        Workspace ws = run.workspace();
        JobPhase.set(jsc.sc(), "train");
        DataOptions data = run.config().data();
        TrainOptions train = run.config().train();
        Locations.requireWritable(ws.models(), "pipeline.train.model-dir", conf);
        Locations.requireWritable(ws.registry(), "pipeline.registry.dir", conf);
        DecodedStore store = DecodedStore.open(run.spark(), ws.decoded());
        DatasetManifest manifest = store.manifest();
        if (manifest.imageSize() != data.imageSize()) {
            throw new UserError("the data in " + ws.decoded() + " was ingested at " + manifest.imageSize() + "px but "
                    + "pipeline.data.image-size is " + data.imageSize() + ": rerun ingest");
        }
        data.trainFolds().forEach(f -> manifest.requireImages(f, "pipeline.data.train-folds"));
        manifest.requireImages(data.validationFold(), "pipeline.data.validation-fold");

        RunRecord.write(RunRecord.capture(run.config(), run.spark().sparkContext()), ws.runRecord(), conf);
        ResumeCheckpoint.Snapshot snapshot = train.resume() ? ResumeCheckpoint.read(ws.checkpoint(), conf) : null;
        ComputationGraph graph = snapshot != null ? snapshot.graph()
                : ModelS.build(ModelS.Spec.of(run.config(), manifest.numClasses()));
        WeightEma ema = null;
        if (train.emaMomentum() > 0) {
            // A checkpoint without an average was written with the average off: restore() refuses it, naming
            // pipeline.train.ema-momentum, before any training.
            ema = snapshot != null && snapshot.average() != null ? WeightEma.resume(snapshot.average(),
                    train.emaMomentum()) : WeightEma.start(graph, train.emaMomentum());
        }
        // What validation sees, and so what the best and the final model are: the average where the run keeps one
        // (saved without updater state: the RMSProp state belongs to the trained weights).
        ComputationGraph average = ema == null ? null : ema.model();
        ComputationGraph validated = average == null ? graph : average;
        boolean withUpdater = average == null;
        run.console().line(ModelSummary.of(graph, ModelS.inputType(data.imageSize())).toString().stripTrailing());

        JavaRDD<LabeledImage> trainSet = store.folds(data.trainFolds());
        JavaRDD<LabeledImage> valSet = store.fold(data.validationFold()).persist(StorageLevel.MEMORY_AND_DISK_SER());
        long trainCount = data.trainFolds().stream().mapToLong(manifest::count).sum();
        run.console().format("Training on %,d images (%s), validating on %,d (%s); %d epochs, batch %d per worker",
                trainCount, String.join(", ", data.trainFolds()), manifest.count(data.validationFold()),
                data.validationFold(), train.epochs(), train.master().batchSizePerWorker());

        TrainingHistory history = new TrainingHistory(ws.models(), conf);
        BestModelCheckpoint best = new BestModelCheckpoint(EpochMetric.VAL_LOSS,
                () -> ModelStore.save(validated, ws.bestModel(), conf, withUpdater));
        EarlyStopping earlyStopping = new EarlyStopping(train.earlyStopping());
        EpochListener schedule = switch (train.lrSchedule()) {
            case PLATEAU -> new ReduceLrOnPlateau(train.plateau());
            case COSINE -> new CosineDecay(train.learningRate(), train.epochs(), train.cosineAlpha());
            case LINEAR -> new LinearDecay(train.learningRate(), train.epochs());
        };
        // A schedule with state (ReduceLROnPlateau's wait and best value) goes into the checkpoint; a decay's
        // rate follows from the epoch alone.
        List<Resumable> resumables = schedule instanceof Resumable stateful
                ? List.of(best, stateful, earlyStopping) : List.of(best, earlyStopping);
        ResumeCheckpoint checkpoint = new ResumeCheckpoint(ws.checkpoint(), conf, graph, average,
                runSettings(manifest, SparkTrainer.workers(jsc, train.master())), RECORDED_LATER, history, resumables);
        SparkTrainer trainer = new SparkTrainer(jsc, train,
                new DistributedEvaluator(jsc, data.imageSize(), run.config().eval().batchSize(),
                        run.config().eval().rocThresholds(), run.console()), run.console())
                .withEma(ema)
                .addListener(history)
                .addListener(new ProgressPrinter(train.epochs(), run.console()))
                .addListener(best)
                .addListener(schedule)
                .addListener(earlyStopping);
        extraListeners.forEach(trainer::addListener);
        trainer.addListener(checkpoint);

        TrainingControl control = new TrainingControl(train.learningRate());
        int firstEpoch = 1;
        if (snapshot != null) {
            firstEpoch = checkpoint.restore(snapshot.state(), control);
            run.console().format("Resuming from %s after epoch %d (learning rate %.4g)", ws.checkpoint(),
                    firstEpoch - 1, control.learningRate());
        }
        SparkTrainer.Outcome outcome;
        try {
            outcome = trainer.fit(graph, trainSet, valSet, data.imageSize(), manifest.numClasses(), firstEpoch,
                    control);
        } finally {
            valSet.unpersist(false);
        }
        JobPhase.set(jsc.sc(), "train");
        ModelStore.save(validated, ws.finalModel(), conf, withUpdater);
        if (outcome.stopReason() != null) {
            run.console().line("Stopped after epoch " + outcome.epochsRun() + ": " + outcome.stopReason());
        }
        run.console().format("Best val_loss %.5f at epoch %d: %s; final model: %s", best.best(), best.bestEpoch(),
                ws.bestModel(), ws.finalModel());
        ModelVersion version = register(ws, manifest, history.epochs().get(best.bestEpoch() - 1),
                history.epochs().size(), conf);
        return new Result(history.epochs(), best.bestEpoch(), best.best(), outcome.stopReason(), ws, version);
    }

    /** Adds the best model to the registry; the first version of a registry becomes current. */
    private ModelVersion register(Workspace ws, DatasetManifest manifest, EpochResult best, int epochs,
                                  Configuration conf) throws IOException {
        Map<String, String> fingerprint = new LinkedHashMap<>();
        List<String> folds = new ArrayList<>(run.config().data().trainFolds());
        folds.add(run.config().data().validationFold());
        folds.forEach(f -> fingerprint.put(f, manifest.fingerprint(f)));
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("val_loss", best.valLoss());
        metrics.put("val_accuracy", best.valAccuracy());
        metrics.put("best_epoch", (double) best.epoch());
        metrics.put("epochs", (double) epochs);
        ModelRegistry registry = new ModelRegistry(ws.registry(), conf);
        ModelVersion v = registry.register(ws.bestModel(), new Path(ws.models(), TrainingHistory.JSON_FILE),
                ModelVersion.draft(manifest.classNames(), manifest.imageSize(), fingerprint, metrics,
                        run.config().render()));
        run.console().line("Registered model version " + v.id() + " in " + registry.root());
        if (registry.currentId().isEmpty()) {
            registry.promote(v.id(), "first version in the registry");
            run.console().line("Promoted " + v.id() + " to current (the registry had no current version)");
        }
        return v;
    }

    /**
     * The settings a resumed run must share with the checkpoint (config key -> value): those that
     * shape the model, the data, its order, the averaging, the training labels' smoothing, the weights' moving
     * average and the learning-rate schedule. Epochs may differ (train on longer) under ReduceLROnPlateau, not
     * under a cosine or linear decay, whose curve they stretch.
     */
    private Map<String, String> runSettings(DatasetManifest manifest, int workers) {
        DataOptions data = run.config().data();
        TrainOptions train = run.config().train();
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("pipeline.train.seed", Long.toString(train.seed()));
        settings.put("pipeline.train.batch-size", Integer.toString(train.batchSize()));
        settings.put("pipeline.train.master.batch-size-per-worker", Integer.toString(train.master().batchSizePerWorker()));
        settings.put("pipeline.train.master.averaging-frequency", Integer.toString(train.master().averagingFrequency()));
        settings.put("pipeline.train.master.workers (effective)", Integer.toString(workers));
        settings.put("pipeline.data.image-size", Integer.toString(data.imageSize()));
        ModelOptions model = run.config().model();
        settings.put("pipeline.model.batch-norm-momentum", Double.toString(model.batchNormMomentum()));
        settings.put("pipeline.model.dropout", Double.toString(model.dropout()));
        settings.put("pipeline.model.conv-regularizer", penalty(model.conv()));
        settings.put("pipeline.model.dense-regularizer", penalty(model.dense()));
        // A transform added later is left out of this string while off, so older checkpoints still match.
        settings.put("pipeline.train.augment", train.augment().toString());
        settings.put("pipeline.train.lr-schedule", schedule(train));
        settings.put("pipeline.train.label-smoothing", Double.toString(train.labelSmoothing()));
        settings.put("pipeline.train.ema-momentum", Double.toString(train.emaMomentum()));
        settings.put("pipeline.data.train-folds", String.join(", ", data.trainFolds()));
        for (String fold : data.trainFolds()) {
            settings.put("pipeline.data.train-folds: content of " + fold, manifest.fingerprint(fold));
        }
        settings.put("pipeline.data.validation-fold",
                data.validationFold() + " " + manifest.fingerprint(data.validationFold()));
        return settings;
    }

    /**
     * The schedule with what shapes its curve: a decay's rates depend on the initial rate, the epochs and
     * (cosine) the floor (so a finished decay run cannot be trained on longer), a plateau's only on the checkpoint.
     */
    private static String schedule(TrainOptions train) {
        return switch (train.lrSchedule()) {
            case COSINE -> String.format(Locale.ROOT, "cosine (learning-rate %s, alpha %s, over %d epochs)",
                    train.learningRate(), train.cosineAlpha(), train.epochs());
            case LINEAR -> String.format(Locale.ROOT, "linear (learning-rate %s, over %d epochs)",
                    train.learningRate(), train.epochs());
            case PLATEAU -> "plateau";
        };
    }

    private static String penalty(ModelOptions.Regularizer r) {
        return "l1=" + r.l1() + ", l2=" + r.l2();
    }
}
