package org.imgpipe.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.imgpipe.base.UserError;
import org.imgpipe.io.AtomicFiles;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

/**
 * What an ingest produced: class names (label order), image size, the source root, the number of
 * decoded images per fold and class, and a content fingerprint per fold (see {@link Fingerprint}).
 * Stored beside the decoded folds.
 */
public record DatasetManifest(String sourceRoot, int imageSize, List<String> classNames,
                              Map<String, long[]> counts, Map<String, String> fingerprints) {
    /** The manifest's file name inside the decoded folder. */
    public static final String FILE = "_manifest.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** @return K, the number of classes (the length of {@code classNames}) */
    public int numClasses() {
        return classNames.size();
    }

    /**
     * @param fold a fold name
     * @return its decoded images over all classes, 0 for a fold that was not ingested
     */
    public long count(String fold) {
        long[] c = counts.get(fold);
        return c == null ? 0 : java.util.Arrays.stream(c).sum();
    }

    /**
     * @param fold       a fold a job is about to use
     * @param settingKey the setting that named it, for the message
     * @throws UserError naming the fold and the setting when it has no decoded image
     */
    public void requireImages(String fold, String settingKey) {
        if (count(fold) == 0) {
            throw new UserError("split '" + fold + "' (" + settingKey + ") has no images"
                    + (counts.containsKey(fold) ? "" : " (not ingested; ingested: " + counts.keySet() + ")")
                    + ": add images to it or name another split, and rerun ingest");
        }
    }

    /**
     * @param fold a fold name
     * @return the fold's content fingerprint ({@link Fingerprint}); a fold without images has that of no images
     */
    public String fingerprint(String fold) {
        return fingerprints.getOrDefault(fold, Fingerprint.format(0));
    }

    void write(Path dir, Configuration conf) throws IOException {
        AtomicFiles.write(new Path(dir, FILE), conf, out -> JSON.writeValue(out, this));
    }

    /**
     * @param dir the decoded folder, on any Hadoop file system
     * @param conf the Hadoop configuration for {@code dir}'s file system
     * @return the manifest stored in it ({@value #FILE})
     * @throws UserError when the manifest is missing (ingest has not run), cannot be read, or predates
     *     fingerprints
     */
    public static DatasetManifest read(Path dir, Configuration conf) {
        Path file = new Path(dir, FILE);
        DatasetManifest manifest;
        try (InputStream in = file.getFileSystem(conf).open(file)) {
            manifest = JSON.readValue(in, DatasetManifest.class);
        } catch (java.io.FileNotFoundException e) {
            throw new UserError("no ingested data at " + dir + " (" + FILE + " missing): run the ingest job first");
        } catch (IOException e) {
            throw new UserError("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (manifest.fingerprints() == null) {
            throw new UserError(file + " was written by an older version of the pipeline (no fingerprints): run "
                    + "the ingest job again");
        }
        return manifest;
    }
}
