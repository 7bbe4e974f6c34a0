package org.imgpipe.data;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ImageListerTest {
    /**
     * root/a.png, root/sub/b c:1%.png, root/sub/loop -> root, root/linked -> elsewhere (elsewhere/x.png),
     * root/dangling -> a missing file, root/.hidden.png and root/.a.png.crc (a Hadoop checksum file).
     */
    private static java.nio.file.Path tree(java.nio.file.Path dir) throws Exception {
        java.nio.file.Path root = Files.createDirectories(dir.resolve("root"));
        Files.createDirectories(root.resolve("sub"));
        Files.createDirectories(dir.resolve("elsewhere"));
        Files.write(root.resolve("a.png"), new byte[]{1});
        Files.write(root.resolve("sub/b c:1%.png"), new byte[]{2});
        Files.write(dir.resolve("elsewhere/x.png"), new byte[]{3});
        Files.write(root.resolve(".hidden.png"), new byte[]{4});
        Files.write(root.resolve(".a.png.crc"), new byte[]{5});
        Files.createSymbolicLink(root.resolve("sub/loop"), root);
        Files.createSymbolicLink(root.resolve("linked"), dir.resolve("elsewhere"));
        Files.createSymbolicLink(root.resolve("dangling"), dir.resolve("missing.png"));
        return root;
    }

    private static ImageLister.Listing list(FileSystem fs, java.nio.file.Path root) throws Exception {
        // Unqualified, as a user types it: the listing qualifies it.
        Path path = new Path(root.toString());
        return ImageLister.under(fs, List.of(path), path);
    }

    private static List<String> sortedFiles(ImageLister.Listing listing) {
        return listing.files().stream().sorted().toList();
    }

    @Test
    void localFilesAreListedAsHadoopNamesThemLeavingOutChecksumFilesAndDanglingLinks(@TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path root = tree(dir);
        ImageLister.Listing listing = list(FileSystem.getLocal(new Configuration()), root);
        assertEquals(List.of("file:" + root + "/a.png", "file:" + root + "/linked/x.png",
                "file:" + root + "/sub/b c:1%.png"), sortedFiles(listing));
        assertEquals(List.of(new SkippedFile("file:" + root + "/sub/loop", "symbolic link to a folder already listed (file:"
                        + root + "): not listed again"),
                new SkippedFile(root.toString(), "1 hidden entries (names starting with '.') not read")), listing.skipped());
    }

    @Test
    void theRawLocalFileSystemHasNoChecksumFilesToLeaveOut(@TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path root = tree(dir);
        ImageLister.Listing listing = list(FileSystem.getLocal(new Configuration()).getRaw(), root);
        assertEquals(3, sortedFiles(listing).size());
        assertEquals(new SkippedFile(root.toString(), "2 hidden entries (names starting with '.') not read"),
                listing.skipped().get(1));
    }

    @Test
    void anEmptyFolderListsNothing(@TempDir java.nio.file.Path dir) throws Exception {
        ImageLister.Listing listing = list(FileSystem.getLocal(new Configuration()), dir);
        assertEquals(List.of(), listing.files());
        assertEquals(List.of(), listing.skipped());
    }
}
