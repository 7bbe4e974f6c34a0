package org.imgpipe.data;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Lists the files under input folders at any depth. Every entry is either listed or accounted for:
 * names starting with '.' (.DS_Store, .git, editors' files) are not read and are reported as a count;
 * a folder reached again through a symbolic link (a loop such as {@code dog/loop -> .}) is listed
 * once and the link is reported. Names starting with '_' are ordinary names here, as in Keras' and
 * torchvision's folder loaders. Uses plain listStatus: Hadoop's located listings ask each local file
 * for its permissions, which without the native Hadoop library forks a shell per file. Local folders
 * are read with java.nio instead (same paths, order and checksum-file filter): Hadoop's local
 * listing reads each entry's metadata four times and builds its path twice, ~30 us a file, which
 * was a third of a 10,000-file scoring run's time outside its tasks.
 */
public final class ImageLister {
    private final FileSystem fs;
    private final List<String> files = new ArrayList<>();
    private final List<SkippedFile> skipped = new ArrayList<>();
    private final Map<String, String> seenFolders = new HashMap<>();
    private long dotEntries;

    private ImageLister(FileSystem fs) {
        this.fs = fs;
    }

    /**
     * What a listing found.
     *
     * @param files   the files' URIs, in listing order (each file once)
     * @param skipped symbolic-link loops, and one entry per root that held dot entries with their count
     */
    public record Listing(List<String> files, List<SkippedFile> skipped) {
    }

    /**
     * @param name an entry's name
     * @return whether listings pass it over: names starting with '.'
     */
    public static boolean dotEntry(String name) {
        return name.startsWith(".");
    }

    /** @return the files under every class folder of the layout */
    public static Listing list(DatasetLayout layout, Configuration conf) throws IOException {
        return under(layout.root().getFileSystem(conf), layout.classDirectories(), layout.root());
    }

    /**
     * @param fs      the file system of the roots
     * @param roots   folders to list, at any depth
     * @param summary where the count of dot entries is reported
     * @return the files under the roots
     * @throws IOException when a folder cannot be listed
     */
    public static Listing under(FileSystem fs, List<Path> roots, Path summary) throws IOException {
        ImageLister lister = new ImageLister(fs);
        for (Path root : roots) {
            lister.collect(root);
        }
        if (lister.dotEntries > 0) {
            lister.skipped.add(new SkippedFile(summary.toString(), lister.dotEntries
                    + " hidden entries (names starting with '.') not read"));
        }
        return new Listing(lister.files, lister.skipped);
    }

    private void collect(Path folder) throws IOException {
        Path dir = fs.makeQualified(folder);
        String real = realPath(dir);
        String first = seenFolders.putIfAbsent(real, dir.toString());
        if (first != null) {
            skipped.add(new SkippedFile(dir.toString(), "symbolic link to a folder already listed (" + first
                    + "): not listed again"));
            return;
        }
        for (Entry e : entries(dir)) {
            if (dotEntry(e.path().getName())) {
                dotEntries++;
            } else if (e.directory()) {
                collect(e.path());
            } else {
                files.add(e.path().toString());
            }
        }
    }

    /** A folder's entry: its qualified path, and whether it is (or links to) a folder. */
    private record Entry(Path path, boolean directory) {
    }

    private List<Entry> entries(Path dir) throws IOException {
        List<Entry> out = new ArrayList<>();
        if (!isLocal()) {
            for (FileStatus s : fs.listStatus(dir)) {
                out.add(new Entry(s.getPath(), s.isDirectory()));
            }
            return out;
        }
        try (DirectoryStream<java.nio.file.Path> names = Files.newDirectoryStream(java.nio.file.Path.of(dir.toUri()))) {
            for (java.nio.file.Path name : names) {
                Path child = new Path(dir, new Path(null, null, name.getFileName().toString()));
                if (fs instanceof ChecksumFileSystem checksummed && checksummed.isChecksumFile(child)) {
                    continue;
                }
                try {
                    out.add(new Entry(child, Files.readAttributes(name, BasicFileAttributes.class).isDirectory()));
                } catch (NoSuchFileException goneOrDanglingLink) {
                    // Hadoop's local listing leaves these out too.
                }
            }
        }
        return out;
    }

    private boolean isLocal() {
        return fs instanceof LocalFileSystem || fs instanceof RawLocalFileSystem;
    }

    /** The folder with symbolic links resolved where the file system has them (the local one). */
    private String realPath(Path dir) throws IOException {
        if (isLocal()) {
            return java.nio.file.Path.of(dir.toUri()).toRealPath().toString();
        }
        return dir.toString();
    }
}
