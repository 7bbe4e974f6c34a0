package org.imgpipe.config;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Where the image folds are, which fold plays which role, and how images are read.
 *
 * @param maxPixels the most pixels (width * height) an input image may have; larger ones are skipped
 *                  and listed without being decoded (PIL's limit by default)
 */
public record DataOptions(String root, List<String> trainFolds, String validationFold, String testFold,
                          int imageSize, long maxPixels, int sampleImagesPerClass, long sampleSeed)
        implements Serializable {

    static DataOptions from(Settings s) {
        List<String> train = s.strings("train-folds");
        if (train.isEmpty()) {
            throw s.invalid("train-folds", "[]", "name at least one fold to train on");
        }
        Settings sample = s.child("sample");
        return new DataOptions(s.string("root").trim(), List.copyOf(train), s.nonEmpty("validation-fold"),
                s.nonEmpty("test-fold"), s.intAtLeast("image-size", 1), s.longAtLeast("max-pixels", 1),
                sample.intAtLeast("images-per-class", 1), sample.longAtLeast("seed", Long.MIN_VALUE));
    }

    /** True when no data root is configured and the embedded sample data is used. */
    public boolean usesSampleData() {
        return root.isEmpty();
    }

    /** Every fold the pipeline reads, each once: training folds, then validation and test. */
    public List<String> allFolds() {
        LinkedHashSet<String> folds = new LinkedHashSet<>(trainFolds);
        folds.add(validationFold);
        folds.add(testFold);
        return new ArrayList<>(folds);
    }
}
