package org.imgpipe.data;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.imgpipe.base.UserError;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The fold/class folder structure under a data root, checked: every fold present, the same class
 * folders in each. Labels are the indices of the sorted class-folder names (a folder whose name starts
 * with '.' is no class). Entries lying beside the class folders are not images of any class; they are
 * listed so the ingest report can name them.
 */
public record DatasetLayout(Path root, List<String> classNames, Map<String, Path> folds, List<String> strayFiles) {

    /**
     * Lists the fold and class folders under a data root (not the images in them) and checks them.
     *
     * @param root the data root, on any Hadoop file system
     * @param foldNames the folds to find under it, e.g. {@code train1 ... test}
     * @param conf the Hadoop configuration for {@code root}'s file system
     * @return the layout, with class names sorted and entries beside the class folders listed as stray
     * @throws UserError when the root is not a folder, a fold is missing or has no class folders, or the folds'
     *     class folders differ
     * @throws IOException when the file system cannot be listed
     */
    public static DatasetLayout scan(Path root, List<String> foldNames, Configuration conf) throws IOException {
        FileSystem fs = root.getFileSystem(conf);
        if (!fs.exists(root) || !fs.getFileStatus(root).isDirectory()) {
            throw new UserError("data root not found or not a folder: " + root
                    + " (set pipeline.data.root to the folder holding " + String.join(", ", foldNames) + ")");
        }
        Map<String, Path> folds = new LinkedHashMap<>();
        List<String> classNames = null;
        String firstFold = null;
        List<String> stray = new ArrayList<>();
        for (String fold : foldNames) {
            Path foldPath = new Path(root, fold);
            FileStatus[] entries;
            try {
                entries = fs.listStatus(foldPath);
            } catch (FileNotFoundException e) {
                throw new UserError("missing fold '" + fold + "': " + foldPath + " does not exist (folds expected under "
                        + root + ": " + String.join(", ", foldNames) + ")");
            }
            TreeSet<String> classes = new TreeSet<>();
            for (FileStatus s : entries) {
                if (s.isDirectory() && !ImageLister.dotEntry(s.getPath().getName())) {
                    classes.add(s.getPath().getName());
                } else {
                    stray.add(s.getPath().toString());
                }
            }
            if (classes.isEmpty()) {
                throw new UserError("fold '" + fold + "' has no class folders: " + foldPath
                        + " must hold one sub-folder per class (e.g. 000_airplane)");
            }
            if (classNames == null) {
                classNames = new ArrayList<>(classes);
                firstFold = fold;
            } else if (!classNames.equals(new ArrayList<>(classes))) {
                throw new UserError(classMismatch(fold, classes, firstFold, classNames));
            }
            folds.put(fold, foldPath);
        }
        return new DatasetLayout(root, List.copyOf(classNames), folds, stray);
    }

    private static String classMismatch(String fold, TreeSet<String> classes, String firstFold, List<String> expected) {
        TreeSet<String> missing = new TreeSet<>(expected);
        missing.removeAll(classes);
        TreeSet<String> extra = new TreeSet<>(classes);
        extra.removeAll(expected);
        return "fold '" + fold + "' has other class folders than fold '" + firstFold + "'"
                + (missing.isEmpty() ? "" : "; missing: " + missing)
                + (extra.isEmpty() ? "" : "; not in " + firstFold + ": " + extra)
                + " (every fold needs the same class folders)";
    }

    /** The class folders of every fold, as input paths for Spark. */
    public List<Path> classDirectories() {
        List<Path> dirs = new ArrayList<>();
        folds.values().forEach(f -> classNames.forEach(c -> dirs.add(new Path(f, c))));
        return dirs;
    }

    /** What an executor needs to label a file by its path. */
    public FileLabeler labeler() {
        Map<String, String> prefixes = new LinkedHashMap<>();
        folds.forEach((name, path) -> prefixes.put(name, path.toUri().getPath() + "/"));
        return new FileLabeler(prefixes, classNames);
    }
}
