package org.imgpipe.train;

import org.imgpipe.base.EpochResult;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.updater.graph.ComputationGraphUpdater;
import org.imgpipe.base.UserError;
import org.imgpipe.config.PipelineConfig;
import org.imgpipe.config.TrainOptions;
import org.imgpipe.model.ModelS;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResumeCheckpointTest {
    private static final Configuration CONF = new Configuration();
    private static final Map<String, String> RUN = Map.of("pipeline.train.seed", "42");

    @TempDir
    java.nio.file.Path dir;

    private static EpochResult epoch(int n) {
        return new EpochResult(n, 2.0 / n, 0.3 * n, 2.5 / n, 0.25 * n, 1e-3, 10);
    }

    private static TrainOptions options() {
        return PipelineConfig.of(Map.of()).train();
    }

    private static ComputationGraph model() {
        return ModelS.build(ModelS.Spec.reference());
    }

    private ResumeCheckpoint checkpoint(Path file, ComputationGraph graph, TrainingHistory history,
                                        ReduceLrOnPlateau plateau, EarlyStopping stopping) {
        return new ResumeCheckpoint(file, CONF, graph, null, RUN, Map.of(), history, List.of(plateau, stopping));
    }

    @Test
    void roundTripsModelUpdaterAndCounters() throws IOException {
        Path file = new Path(dir.resolve("checkpoint.zip").toUri());
        ComputationGraph graph = model();
        graph.getUpdater().getStateViewArray().assign(0.5);
        TrainingHistory history = new TrainingHistory(new Path(dir.toUri()), CONF);
        ReduceLrOnPlateau plateau = new ReduceLrOnPlateau(options().plateau());
        EarlyStopping stopping = new EarlyStopping(options().earlyStopping());
        TrainingControl control = new TrainingControl(1e-3);
        for (int e = 1; e <= 2; e++) {
            history.onEpochEnd(epoch(e), control);
            plateau.onEpochEnd(epoch(e), control);
            stopping.onEpochEnd(epoch(e), control);
        }
        control.setLearningRate(1e-4);
        checkpoint(file, graph, history, plateau, stopping).onEpochEnd(epoch(2), control);

        ResumeCheckpoint.Snapshot s = ResumeCheckpoint.read(file, CONF);
        assertEquals(graph.params(), s.graph().params());
        assertEquals(graph.getUpdater().getStateViewArray(), s.graph().getUpdater().getStateViewArray());
        TrainingHistory history2 = new TrainingHistory(new Path(dir.toUri()), CONF);
        ReduceLrOnPlateau plateau2 = new ReduceLrOnPlateau(options().plateau());
        EarlyStopping stopping2 = new EarlyStopping(options().earlyStopping());
        TrainingControl control2 = new TrainingControl(1e-3);
        assertEquals(3, checkpoint(file, s.graph(), history2, plateau2, stopping2).restore(s.state(), control2));
        assertEquals(1e-4, control2.learningRate());
        assertEquals(List.of(epoch(1), epoch(2)), history2.epochs());
        assertEquals(plateau.state(), plateau2.state());
        assertEquals(stopping.state(), stopping2.state());
    }

    @Test
    void holdsTheMovingAverageWhereTheRunKeepsOne() throws IOException {
        Path file = new Path(dir.resolve("checkpoint.zip").toUri());
        ComputationGraph graph = model();
        ComputationGraph average = model();
        average.params().assign(0.25);
        TrainingHistory history = new TrainingHistory(new Path(dir.toUri()), CONF);
        TrainingControl control = new TrainingControl(1e-3);
        history.onEpochEnd(epoch(1), control);
        new ResumeCheckpoint(file, CONF, graph, average, RUN, Map.of(), history, List.of())
                .onEpochEnd(epoch(1), control);
        ResumeCheckpoint.Snapshot s = ResumeCheckpoint.read(file, CONF);
        assertEquals(graph.params(), s.graph().params());
        assertEquals(average.params(), s.average().params());

        new ResumeCheckpoint(file, CONF, graph, null, RUN, Map.of(), history, List.of()).onEpochEnd(epoch(1), control);
        assertNull(ResumeCheckpoint.read(file, CONF).average(), "a run without an average");
    }

    private Path checkpointFile() {
        return new Path(dir.resolve("checkpoint.zip").toUri());
    }

    /** Restores a checkpoint of 2 epochs that recorded {@code then} into a run with the settings {@code now}. */
    private int restore(Map<String, String> then, Map<String, String> now, Map<String, String> unrecordedDefaults) {
        ResumeCheckpoint.State state = new ResumeCheckpoint.State(2, 1e-3, null, then, List.of(epoch(1), epoch(2)),
                Map.of());
        return new ResumeCheckpoint(checkpointFile(), CONF, null, null, now, unrecordedDefaults,
                new TrainingHistory(new Path(dir.toUri()), CONF), List.of()).restore(state, new TrainingControl(1e-3));
    }

    @Test
    void aChangedOrUnrecordedSettingIsRefusedNamingIt() {
        Map<String, String> then = Map.of("pipeline.model.dense-regularizer", "l1=0.001, l2=0.01");
        UserError changed = assertThrows(UserError.class, () -> restore(then,
                Map.of("pipeline.model.dense-regularizer", "l1=1.0E-5, l2=1.0E-4"), Map.of()));
        assertEquals("cannot resume from " + checkpointFile() + ": pipeline.model.dense-regularizer was l1=0.001, "
                + "l2=0.01 for the checkpoint and is l1=1.0E-5, l2=1.0E-4 now; resume with the same setting, or train "
                + "from scratch without --resume", changed.getMessage());
        UserError unrecorded = assertThrows(UserError.class, () -> restore(then,
                Map.of("pipeline.model.dense-regularizer", "l1=0.001, l2=0.01", "pipeline.train.seed", "42"), Map.of()));
        assertEquals("cannot resume from " + checkpointFile() + ": it does not record pipeline.train.seed (written by "
                + "an older version of the pipeline); train from scratch without --resume", unrecorded.getMessage());
        assertEquals(3, restore(then, then, Map.of()));
    }

    @Test
    void aSettingRecordedSinceALaterVersionTakesItsOldValueForOlderCheckpoints() {
        Map<String, String> old = Map.of("pipeline.train.seed", "42");
        Map<String, String> implied = Map.of("pipeline.model.dropout", "0.5");
        assertEquals(3, restore(old, Map.of("pipeline.train.seed", "42", "pipeline.model.dropout", "0.5"), implied));
        UserError changed = assertThrows(UserError.class, () -> restore(old,
                Map.of("pipeline.train.seed", "42", "pipeline.model.dropout", "0.3"), implied));
        assertEquals("cannot resume from " + checkpointFile() + ": pipeline.model.dropout was 0.5 for the checkpoint "
                + "and is 0.3 now; resume with the same setting, or train from scratch without --resume",
                changed.getMessage());
    }

    @Test
    void aFailureWhileWritingLeavesThePreviousCheckpoint() throws IOException {
        Path file = new Path(dir.resolve("checkpoint.zip").toUri());
        ComputationGraph graph = model();
        TrainingHistory history = new TrainingHistory(new Path(dir.toUri()), CONF);
        TrainingControl control = new TrainingControl(1e-3);
        history.onEpochEnd(epoch(1), control);
        ReduceLrOnPlateau plateau = new ReduceLrOnPlateau(options().plateau());
        EarlyStopping stopping = new EarlyStopping(options().earlyStopping());
        checkpoint(file, graph, history, plateau, stopping).onEpochEnd(epoch(1), control);
        long size = Files.size(dir.resolve("checkpoint.zip"));

        // Fails after the parameters are written, when the serializer asks for the RMSProp state.
        ComputationGraph failing = new ComputationGraph(graph.getConfiguration()) {
            @Override
            public ComputationGraphUpdater getUpdater() {
                throw new IllegalStateException("injected failure while writing");
            }
        };
        failing.init(graph.params(), true);
        history.onEpochEnd(epoch(2), control);
        ResumeCheckpoint broken = checkpoint(file, failing, history, plateau, stopping);
        assertThrows(IllegalStateException.class, () -> broken.onEpochEnd(epoch(2), control));

        assertEquals(size, Files.size(dir.resolve("checkpoint.zip")));
        ResumeCheckpoint.Snapshot s = ResumeCheckpoint.read(file, CONF);
        assertEquals(1, s.state().epoch());
        assertEquals(graph.params(), s.graph().params());
        try (Stream<java.nio.file.Path> files = Files.list(dir)) {
            List<String> left = files.map(p -> p.getFileName().toString()).filter(n -> n.contains("checkpoint"))
                    .filter(n -> !n.startsWith(".")).toList();
            assertEquals(List.of("checkpoint.zip"), left, "no temporary file left behind");
        }
    }

    @Test
    void aFileThatIsNotACheckpointIsAUserError() throws IOException {
        Files.writeString(dir.resolve("checkpoint.zip"), "not a zip");
        UserError e = assertThrows(UserError.class,
                () -> ResumeCheckpoint.read(new Path(dir.resolve("checkpoint.zip").toUri()), CONF));
        assertTrue(e.getMessage().contains("is not a training checkpoint"), e.getMessage());
    }
}
