package org.imgpipe.score;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.imgpipe.base.UserError;
import org.imgpipe.data.ImageLister;
import org.imgpipe.data.SkippedFile;
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
record ScoreInput(List<String> images, List<SkippedFile> notImages) {
    static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif");

    static ScoreInput find(String input, Configuration conf) throws IOException {
        Path pattern = Locations.resolve(input, conf);
        FileSystem fs = pattern.getFileSystem(conf);
        // An existing file or folder is taken literally, even when its name holds glob characters
        // (dump[1], *, ?, {a,b}); only a path that does not exist is a glob.
        FileStatus[] matches = fs.exists(pattern) ? new FileStatus[]{fs.getFileStatus(pattern)}
                : fs.globStatus(pattern);
        if (matches == null || matches.length == 0) {
            throw new UserError("nothing matches the score input " + pattern
                    + ": set --input (pipeline.score.input) to an existing folder or glob");
        }
        List<Path> folders = new ArrayList<>();
        List<String> all = new ArrayList<>();
        for (FileStatus m : matches) {
            if (m.isDirectory()) {
                folders.add(m.getPath());
            } else {
                all.add(m.getPath().toString());
            }
        }
        ImageLister.Listing listing = ImageLister.under(fs, folders, pattern);
        all.addAll(listing.files());
        all.sort(null);
        List<String> images = new ArrayList<>();
        List<SkippedFile> others = new ArrayList<>(listing.skipped());
        for (String f : all) {
            if (EXTENSIONS.contains(extension(f))) {
                images.add(f);
            } else {
                others.add(new SkippedFile(f, "not an image file name (expected " + String.join(", ", EXTENSIONS.stream().sorted().toList()) + ")"));
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
