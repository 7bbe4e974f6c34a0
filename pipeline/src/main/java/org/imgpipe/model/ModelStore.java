package org.imgpipe.model;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.imgpipe.base.UserError;
import org.imgpipe.io.AtomicFiles;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Saves and loads models with DL4J's ModelSerializer on any Hadoop file system. Saving writes a
 * temporary file and renames it over the target, so a crash never leaves a broken model where a
 * good one was.
 */
public final class ModelStore {
    private ModelStore() {
    }

    /**
     * Saves a model with {@code ModelSerializer} atomically (temporary file, then rename).
     *
     * @param graph the model
     * @param target the .zip to write or replace, on any Hadoop file system
     * @param conf the Hadoop configuration for {@code target}'s file system
     * @param withUpdater whether to include the updater (RMSProp) state, which resuming training needs
     * @throws IOException when the file cannot be written or renamed
     */
    public static void save(ComputationGraph graph, Path target, Configuration conf, boolean withUpdater)
            throws IOException {
        AtomicFiles.write(target, conf, out -> ModelSerializer.writeModel(graph, out, withUpdater));
    }

    /**
     * Loads a model saved by {@link #save}, without its updater state (enough for inference).
     *
     * @param file the model's .zip, on any Hadoop file system
     * @param conf the Hadoop configuration for {@code file}'s file system
     * @return the restored graph
     * @throws UserError when the file does not exist or cannot be read as a DL4J model
     */
    public static ComputationGraph load(Path file, Configuration conf) {
        try (InputStream in = file.getFileSystem(conf).open(file)) {
            return ModelSerializer.restoreComputationGraph(in, false);
        } catch (FileNotFoundException e) {
            throw new UserError("model file not found: " + file + " (train a model first or set pipeline.eval.model)");
        } catch (Exception e) {
            throw new UserError(file + " is not a saved model (" + e.getMessage()
                    + "); point pipeline.eval.model at a .zip written by the train job", e);
        }
    }
}
