package org.imgpipe.score;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.imgpipe.cli.UserError;
import org.imgpipe.data.ImageLister;
import org.imgpipe.io.Locations;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The files a scoring run looks at: everything under the folders (or files) the input glob matches,
 * sorted by path so reruns see the same order. Files without an image extension are set aside with
 * the reason rather than silently ignored.
 */
record ScoreInput(List<String> images, List<Rejected> notImages) {
    static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif");

    /** A file that is not scored and why. */
    record Rejected(String path, String reason) {
    }

    static ScoreInput find(String input, Configuration conf) throws IOException {
        Path pattern = Locations.resolve(input, conf);
        FileSystem fs = pattern.getFileSystem(conf);
        FileStatus[] matches = fs.globStatus(pattern);
        if (matches == null || matches.length == 0) {
            throw new UserError("nothing matches the score input " + pattern
                    + ": set --input (pipeline.score.input) to an existing folder or glob");
        }
        List<String> all = new ArrayList<>();
        for (FileStatus m : matches) {
            if (m.isDirectory()) {
                ImageLister.collect(fs, m.getPath(), all);
            } else if (!ImageLister.hidden(m.getPath())) {
                all.add(m.getPath().toString());
            }
        }
        all.sort(null);
        List<String> images = new ArrayList<>();
        List<Rejected> others = new ArrayList<>();
        for (String f : all) {
            if (EXTENSIONS.contains(extension(f))) {
                images.add(f);
            } else {
                others.add(new Rejected(f, "not an image file name (expected " + String.join(", ", EXTENSIONS.stream().sorted().toList()) + ")"));
            }
        }
        return new ScoreInput(images, others);
    }

    private static String extension(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
