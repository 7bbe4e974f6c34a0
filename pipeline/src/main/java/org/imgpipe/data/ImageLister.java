package org.imgpipe.data;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Lists the files under every class folder (sub-folders included, hidden '.' and '_' names skipped).
 * Uses plain listStatus: Hadoop's located listings ask each local file for its permissions, which
 * without the native Hadoop library forks a shell per file.
 */
public final class ImageLister {
    private ImageLister() {
    }

    public static List<String> list(DatasetLayout layout, Configuration conf) throws IOException {
        List<String> files = new ArrayList<>();
        for (Path dir : layout.classDirectories()) {
            collect(dir.getFileSystem(conf), dir, files);
        }
        return files;
    }

    /** Names Hadoop and Spark treat as hidden ('.' and '_' prefixes: checksums, temp and marker files). */
    public static boolean hidden(Path p) {
        String name = p.getName();
        return name.startsWith(".") || name.startsWith("_");
    }

    /** Adds every non-hidden file under dir, at any depth. */
    public static void collect(FileSystem fs, Path dir, List<String> files) throws IOException {
        for (FileStatus s : fs.listStatus(dir)) {
            if (hidden(s.getPath())) {
                continue;
            }
            if (s.isDirectory()) {
                collect(fs, s.getPath(), files);
            } else {
                files.add(s.getPath().toString());
            }
        }
    }
}
