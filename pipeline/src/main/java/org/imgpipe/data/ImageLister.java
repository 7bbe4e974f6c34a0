package org.imgpipe.data;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Lists the files under input folders at any depth. Every entry is either listed or accounted for:
 * names starting with '.' (.DS_Store, .git, editors' files) are not read and are reported as a count;
 * a folder reached again through a symbolic link (a loop such as {@code dog/loop -> .}) is listed
 * once and the link is reported. Names starting with '_' are ordinary names here, as in Keras' and
 * torchvision's folder loaders. Local folders (and shared ones mounted on every node) are read with
 * java.nio: Hadoop's local listing reads each entry's metadata four times and builds its path twice
 * (26-45 us a file, up to 0.5 s of a 10,000-file scoring run on the driver), and drops without a word
 * what it cannot read, which is reported here. Other file systems use plain listStatus: Hadoop's
 * located listings ask each file for its permissions, which on a local disk without the native Hadoop
 * library forks a shell per file.
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
     * @param skipped symbolic-link loops, dangling links, entries or local folders that could not be read
     *                (with java.nio's reason) and names that are not UTF-8, and one entry per root that
     *                held dot entries with their count
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
            lister.skipped.add(new SkippedFile(fs.makeQualified(summary).toString(), lister.dotEntries
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
        if (isLocal()) {
            collectLocal(dir);
            return;
        }
        for (FileStatus s : fs.listStatus(dir)) {
            if (dotEntry(s.getPath().getName())) {
                dotEntries++;
            } else if (s.isDirectory()) {
                collect(s.getPath());
            } else {
                files.add(s.getPath().toString());
            }
        }
    }

    /**
     * A local folder through java.nio, with Hadoop's paths, order (the directory's) and checksum-file
     * filter; what Hadoop's listing drops without a word (dangling or looping links, names that are not
     * UTF-8, entries and folders that cannot be read) is reported instead.
     */
    private void collectLocal(Path dir) throws IOException {
        java.nio.file.Path folder = java.nio.file.Path.of(dir.toUri());
        // A file's URI is the folder's and its name: what Hadoop's Path(folder, Path(null, null, name))
        // prints (on Unix) for any name a directory can hold, without its two URI parses, ~9 us a file.
        String uri = dir.toString();
        String prefix = uri.endsWith("/") ? uri : uri + "/";
        try (DirectoryStream<java.nio.file.Path> entries = Files.newDirectoryStream(folder)) {
            for (java.nio.file.Path entry : entries) {
                String name = entry.getFileName().toString();
                if (dotEntry(name)) {
                    boolean checksum = fs instanceof ChecksumFileSystem checksummed
                            && checksummed.isChecksumFile(child(dir, name));
                    dotEntries += checksum ? 0 : 1;
                } else if (name.indexOf('\uFFFD') >= 0 && !folder.resolve(name).equals(entry)) {
                    // Decoding replaced bytes, so the name as a string leads to no file.
                    skipped.add(new SkippedFile(prefix + name, "file name is not valid UTF-8: rename it"));
                } else {
                    addLocal(entry, dir, name, prefix + name);
                }
            }
        } catch (DirectoryIteratorException e) {
            skipped.add(new SkippedFile(dir.toString(), "folder only partly listed: " + e.getCause().getMessage()));
        } catch (FileSystemException e) {
            skipped.add(new SkippedFile(dir.toString(), "folder not listed: " + reason(e)));
        }
    }

    /** A name in a folder as a Hadoop path: Path(null, null, name) keeps a colon in it from reading as a scheme. */
    private static Path child(Path dir, String name) {
        return new Path(dir, new Path(null, null, name));
    }

    private void addLocal(java.nio.file.Path entry, Path dir, String name, String uri) throws IOException {
        boolean directory;
        try {
            directory = Files.readAttributes(entry, BasicFileAttributes.class).isDirectory();
        } catch (NoSuchFileException e) {
            if (Files.isSymbolicLink(entry)) {
                skipped.add(new SkippedFile(uri, "symbolic link to a missing file: not read"));
            }
            // Otherwise deleted since the folder was read: there is nothing left to account for.
            return;
        } catch (FileSystemException e) {
            skipped.add(new SkippedFile(uri, "not read: " + reason(e)));
            return;
        }
        if (directory) {
            collect(child(dir, name));
        } else {
            files.add(uri);
        }
    }

    /** java.nio's reason (e.g. "too many levels of symbolic links or ..."), or the kind of failure without one. */
    private static String reason(FileSystemException e) {
        if (e.getReason() != null) {
            return e.getReason().toLowerCase(Locale.ROOT);
        }
        return e instanceof AccessDeniedException ? "permission denied" : e.getClass().getSimpleName();
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
