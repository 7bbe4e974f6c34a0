package org.imgpipe.data;

import org.apache.hadoop.fs.Path;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * Fold and label of an image from its path: the fold folder it lies in and the class folder right
 * below it (images in deeper sub-folders belong to that class too).
 */
public record FileLabeler(Map<String, String> foldPrefixes, List<String> classNames) implements Serializable {

    /** Where an image file belongs. */
    public record FileLabel(String fold, int label) implements Serializable {
    }

    /**
     * @param file an image path (URI or plain path) under one of the folds
     * @return its fold and the index of the class folder right below the fold
     * @throws IllegalArgumentException when the file lies under no fold's known class folder
     */
    public FileLabel labelOf(String file) {
        String p = new Path(file).toUri().getPath();
        for (Map.Entry<String, String> fold : foldPrefixes.entrySet()) {
            if (p.startsWith(fold.getValue())) {
                int label = classNames.indexOf(p.substring(fold.getValue().length()).split("/", 2)[0]);
                if (label >= 0) {
                    return new FileLabel(fold.getKey(), label);
                }
            }
        }
        throw new IllegalArgumentException("not under a class folder of the data root: " + file);
    }
}
