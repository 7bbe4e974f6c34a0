package org.imgpipe.train;

import org.imgpipe.base.EpochResult;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.imgpipe.base.UserError;
import org.imgpipe.io.AtomicFiles;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Keras' BackupAndRestore: after every epoch (registered last, so it sees the other listeners'
 * decisions) it saves what a restarted driver needs to go on as if it had never stopped: the model
 * with its RMSProp state, the moving average of its weights where the run keeps one ({@link WeightEma}), the
 * learning rate, the stop decision, the history and the counters of every {@link Resumable} listener. One zip
 * file ({@value #STATE_ENTRY} + {@value #MODEL_ENTRY}, + {@value #AVERAGE_ENTRY} with an average), replaced
 * atomically: a crash while writing leaves the previous epoch's checkpoint.
 * The shuffle needs no state: each epoch's order is a function of (seed, epoch).
 */
public final class ResumeCheckpoint implements EpochListener {
    static final String STATE_ENTRY = "state.json";
    static final String MODEL_ENTRY = "model.zip";
    static final String AVERAGE_ENTRY = "ema.zip";

    /**
     * What the checkpoint holds besides the model. {@code run} names the settings that must not
     * change across a resume (config key -> value), so that a resumed run is the same run.
     */
    public record State(int epoch, double learningRate, String stopReason, Map<String, String> run,
                        List<EpochResult> history, Map<String, Map<String, Double>> listeners) {
    }

    /**
     * A checkpoint read back: the model to go on training, the moving average of its weights ({@link WeightEma};
     * null when the run kept none) and the state to restore.
     */
    public record Snapshot(ComputationGraph graph, ComputationGraph average, State state) {
    }

    private final Path file;
    private final Configuration conf;
    private final ComputationGraph graph;
    private final ComputationGraph average;
    private final Map<String, String> run;
    private final Map<String, String> unrecordedDefaults;
    private final TrainingHistory history;
    private final List<Resumable> parts;

    /**
     * @param file the checkpoint zip to replace after every epoch, on any Hadoop file system
     * @param conf the Hadoop configuration for {@code file}'s file system
     * @param graph the model being trained (saved with its updater state)
     * @param average the model holding the moving average of the weights ({@link WeightEma#model()}), null when
     *     the run keeps none
     * @param run the settings a resume must not change, config key to value
     * @param unrecordedDefaults settings recorded only since a later version of the pipeline, with the value
     *     every checkpoint written before then had (so such a checkpoint resumes when the value is unchanged)
     * @param history the run's history, saved with the checkpoint
     * @param parts the listeners whose counters are saved and restored
     */
    public ResumeCheckpoint(Path file, Configuration conf, ComputationGraph graph, ComputationGraph average,
                            Map<String, String> run, Map<String, String> unrecordedDefaults, TrainingHistory history,
                            List<Resumable> parts) {
        this.file = file;
        this.conf = conf;
        this.graph = graph;
        this.average = average;
        this.run = Map.copyOf(run);
        this.unrecordedDefaults = Map.copyOf(unrecordedDefaults);
        this.history = history;
        this.parts = List.copyOf(parts);
    }

    @Override
    public void onEpochEnd(EpochResult result, TrainingControl control) throws IOException {
        Map<String, Map<String, Double>> states = new LinkedHashMap<>();
        parts.forEach(p -> states.put(p.stateName(), p.state()));
        byte[] state = json().writeValueAsBytes(new State(result.epoch(), control.learningRate(),
                control.stopReason(), run, history.epochs(), states));
        AtomicFiles.write(file, conf, out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            zip.putNextEntry(new ZipEntry(STATE_ENTRY));
            zip.write(state);
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry(MODEL_ENTRY));
            ModelSerializer.writeModel(graph, zip, true);
            zip.closeEntry();
            if (average != null) {
                zip.putNextEntry(new ZipEntry(AVERAGE_ENTRY));
                ModelSerializer.writeModel(average, zip, false);
                zip.closeEntry();
            }
            zip.finish();
        });
    }

    /**
     * Puts a resumed run back where the checkpoint left it: the listeners' counters, the history and
     * the control. Refuses, naming the setting, when the run's settings differ from the checkpoint's.
     *
     * @return the first epoch still to train
     */
    public int restore(State state, TrainingControl control) {
        Map<String, String> recorded = new LinkedHashMap<>(state.run());
        unrecordedDefaults.forEach(recorded::putIfAbsent);
        run.keySet().stream().filter(key -> !recorded.containsKey(key)).findFirst().ifPresent(key -> {
            throw new UserError("cannot resume from " + file + ": it does not record " + key + " (written by an "
                    + "older version of the pipeline); train from scratch without --resume");
        });
        recorded.forEach((key, then) -> {
            String now = run.get(key);
            if (!then.equals(now)) {
                throw new UserError("cannot resume from " + file + ": " + key + " was " + then
                        + " for the checkpoint and is " + now + " now; resume with the same setting, or train "
                        + "from scratch without --resume");
            }
        });
        for (Resumable p : parts) {
            Map<String, Double> s = state.listeners().get(p.stateName());
            if (s == null) {
                throw new UserError(file + " holds no state for " + p.stateName() + ": it was written by another "
                        + "version of the pipeline; train from scratch without --resume");
            }
            p.restore(s);
        }
        history.restore(state.history());
        control.setLearningRate(state.learningRate());
        if (state.stopReason() != null) {
            control.requestStop(state.stopReason());
        }
        return state.epoch() + 1;
    }

    /**
     * Reads a checkpoint written by {@link #onEpochEnd}: the model with its RMSProp state, and the state.
     *
     * @param file the checkpoint zip, on any Hadoop file system
     * @param conf the Hadoop configuration for {@code file}'s file system
     * @return the model, the moving average of its weights (null when the checkpoint has none) and the state to pass
     *     to {@link #restore}
     * @throws UserError when the file does not exist, is not a zip or lacks the state or the model
     * @throws IOException when the file cannot be read or its model or state cannot be parsed
     */
    public static Snapshot read(Path file, Configuration conf) throws IOException {
        byte[] state = null;
        byte[] model = null;
        byte[] average = null;
        try (InputStream in = file.getFileSystem(conf).open(file); ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                if (e.getName().equals(STATE_ENTRY)) {
                    state = zip.readAllBytes();
                } else if (e.getName().equals(MODEL_ENTRY)) {
                    model = zip.readAllBytes();
                } else if (e.getName().equals(AVERAGE_ENTRY)) {
                    average = zip.readAllBytes();
                }
            }
        } catch (FileNotFoundException e) {
            throw new UserError("no checkpoint to resume from at " + file
                    + ": train without --resume (a checkpoint is written after every epoch)");
        } catch (ZipException | EOFException e) {
            throw new UserError(file + " is not a training checkpoint (" + e.getMessage() + "); train without --resume",
                    e);
        }
        if (state == null || model == null) {
            throw new UserError(file + " is not a training checkpoint (it lacks " + (state == null ? STATE_ENTRY
                    : MODEL_ENTRY) + "); train without --resume");
        }
        ComputationGraph averaged = average == null ? null
                : ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(average), false);
        return new Snapshot(ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(model), true), averaged,
                json().readValue(state, State.class));
    }

    private static ObjectMapper json() {
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }
}
