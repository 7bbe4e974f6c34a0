package org.imgpipe.registry;

import org.imgpipe.io.StagedFolder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Path;
import org.imgpipe.base.UserError;
import org.imgpipe.io.Locations;
import org.imgpipe.io.AtomicFiles;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Model versions on any Hadoop file system:
 * <pre>
 *   versions/ID/model.zip, version.json, history.json   one folder per version, never changed after
 *                                                       it appears (written aside, then renamed in)
 *   current.json                                        the current version and the ones before it
 *   decisions/ID.json                                   the retrain job's decision on candidate ID
 *   retrain.lock                                        held while a retrain job runs
 * </pre>
 * Moving the pointer is one atomic file replacement, so a reader always sees a whole version.
 */
public final class ModelRegistry {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);
    private static final String MODEL = "model.zip";
    private static final String VERSION = "version.json";
    private static final String HISTORY = "history.json";
    private static final String POINTER = "current.json";

    private final Path root;
    private final Configuration conf;

    /**
     * Opens a registry; nothing is read or created until a method needs it.
     *
     * @param root the registry's folder ({@code pipeline.registry.dir}), on any Hadoop file system
     * @param conf the Hadoop configuration for {@code root}'s file system
     */
    public ModelRegistry(Path root, Configuration conf) {
        this.root = root;
        this.conf = conf;
    }

    /** @return the registry's folder */
    public Path root() {
        return root;
    }

    /** Copies a trained model and its history into a new version; the pointer is not moved. */
    public ModelVersion register(Path modelFile, Path historyFile, ModelVersion draft) throws IOException {
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        ModelVersion v = draft.registeredAs(ID_TIME.format(now) + "-" + UUID.randomUUID().toString().substring(0, 4),
                now.toString());
        Path dir = versionDir(v.id());
        FileSystem fs = root.getFileSystem(conf);
        try (StagedFolder staged = StagedFolder.of(dir, conf)) {
            Path staging = staged.path();
            FileUtil.copy(modelFile.getFileSystem(conf), modelFile, fs, new Path(staging, MODEL), false, conf);
            FileUtil.copy(historyFile.getFileSystem(conf), historyFile, fs, new Path(staging, HISTORY), false, conf);
            try (java.io.OutputStream out = fs.create(new Path(staging, VERSION), false)) {
                JSON.writeValue(out, v);
            }
            staged.commitNew();
        }
        return v;
    }

    /** Every version, oldest first. */
    public List<ModelVersion> versions() throws IOException {
        Path dir = new Path(root, "versions");
        FileSystem fs = root.getFileSystem(conf);
        List<ModelVersion> out = new ArrayList<>();
        if (!fs.exists(dir)) {
            return out;
        }
        for (FileStatus s : fs.listStatus(dir)) {
            if (s.isDirectory() && !Locations.hidden(s.getPath())) {
                out.add(version(s.getPath().getName()));
            }
        }
        out.sort(java.util.Comparator.comparing((ModelVersion v) -> Instant.parse(v.created()))
                .thenComparing(ModelVersion::id));
        return out;
    }

    /**
     * Reads one version's {@code version.json}.
     *
     * @param id the version id, e.g. {@code 20260101-120000-ab12}
     * @return the version
     * @throws UserError when the id is blank, contains {@code /} or names no version
     * @throws IOException when the file cannot be read or parsed
     */
    public ModelVersion version(String id) throws IOException {
        Path file = new Path(versionDir(id), VERSION);
        try (InputStream in = file.getFileSystem(conf).open(file)) {
            return JSON.readValue(in, ModelVersion.class);
        } catch (FileNotFoundException e) {
            throw new UserError("no model version '" + id + "' in the registry " + root
                    + " (see: models list)");
        }
    }

    /**
     * The path of a version's {@code model.zip} (the best-val_loss model); whether it exists is not checked.
     *
     * @param id the version id
     * @return {@code versions/ID/model.zip} under the root
     * @throws UserError when the id is blank or contains {@code /}
     */
    public Path modelFile(String id) {
        return new Path(versionDir(id), MODEL);
    }

    /**
     * @return the id the pointer names as current, empty when no version was ever promoted
     * @throws IOException when {@code current.json} exists but cannot be read or parsed
     */
    public Optional<String> currentId() throws IOException {
        return Optional.ofNullable(pointer().current());
    }

    /**
     * @return the current version (the one scoring uses), empty when no version was ever promoted
     * @throws UserError when the pointer names a version that does not exist
     * @throws IOException when the pointer or the version cannot be read or parsed
     */
    public Optional<ModelVersion> current() throws IOException {
        String id = pointer().current();
        return id == null ? Optional.empty() : Optional.of(version(id));
    }

    /** Makes a version current; the version that was current can be returned to by rollback. */
    public void promote(String id, String reason) throws IOException {
        version(id);
        writePointer(pointer().promote(id, Instant.now().toString(), reason));
    }

    /** Makes the previously current version current again; returns its id. */
    public String rollback() throws IOException {
        RegistryPointer p = pointer();
        if (p.previous().isEmpty()) {
            throw new UserError("nothing to roll back to in " + root + ": "
                    + (p.current() == null ? "no version was ever promoted" : p.current() + " is the first promoted version"));
        }
        RegistryPointer back = p.rollback(Instant.now().toString());
        writePointer(back);
        return back.current();
    }

    /** Adds a file (e.g. an evaluation) to a version folder. */
    public void attach(String id, String name, String content) throws IOException {
        AtomicFiles.writeString(new Path(versionDir(id), name), conf, content);
    }

    /** Stores a JSON record under decisions/, named after the (time-ordered) candidate version id. */
    public Path recordDecision(String candidateId, Object record) throws IOException {
        Path file = new Path(new Path(root, "decisions"), candidateId + ".json");
        AtomicFiles.writeString(file, conf, json(record));
        return file;
    }

    /** Pretty JSON, as the registry writes its records. */
    public static String json(Object value) throws IOException {
        return JSON.writeValueAsString(value);
    }

    private Path versionDir(String id) {
        if (id.isBlank() || id.contains("/")) {
            throw new UserError("'" + id + "' is not a model version id (see: models list)");
        }
        return new Path(new Path(root, "versions"), id);
    }

    private RegistryPointer pointer() throws IOException {
        Path file = new Path(root, POINTER);
        try (InputStream in = file.getFileSystem(conf).open(file)) {
            return JSON.readValue(in, RegistryPointer.class);
        } catch (FileNotFoundException e) {
            return RegistryPointer.NONE;
        }
    }

    private void writePointer(RegistryPointer p) throws IOException {
        AtomicFiles.writeString(new Path(root, POINTER), conf, json(p));
    }
}
