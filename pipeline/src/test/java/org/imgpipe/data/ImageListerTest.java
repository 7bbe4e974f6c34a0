package org.imgpipe.data;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ImageListerTest {
    private static final Configuration CONF = new Configuration();

    private static ImageLister.Listing list(FileSystem fs, java.nio.file.Path root) throws Exception {
        // Unqualified, as a user types it: the listing qualifies it.
        Path path = new Path(root.toString());
        return ImageLister.under(fs, List.of(path), path);
    }

    private static List<SkippedFile> sortedSkips(ImageLister.Listing listing) {
        return listing.skipped().stream().sorted(Comparator.comparing(SkippedFile::path)).toList();
    }

    @Test
    void localFilesGetHadoopsNamesInTheFoldersOrder(@TempDir java.nio.file.Path dir) throws Exception {
        for (String name : List.of("a.png", "b c:1%.png", "ünï 猫.png", "back\\slash.png", "hash#1.png", "q?.png",
                ":lead.png", "x.png.crc", "[1].png", "a b{c}.png", "semi;colon.png", "%", "@at.png",
                "c:drive.png", "tab\tname.png")) {
            Files.write(dir.resolve(name), new byte[]{1});
        }
        Files.createSymbolicLink(dir.resolve("link-to-a.png"), dir.resolve("a.png"));
        FileSystem fs = FileSystem.getLocal(CONF);
        List<String> hadoops = new ArrayList<>();
        for (FileStatus s : fs.listStatus(new Path(dir.toUri()))) {
            hadoops.add(s.getPath().toString());
        }
        ImageLister.Listing listing = list(fs, dir);
        assertEquals(hadoops, listing.files());
        assertEquals(16, listing.files().size());
        assertTrue(listing.files().contains("file:" + dir + "/b c:1%.png"), listing.files().toString());
        assertEquals(List.of(), listing.skipped());
    }

    /**
     * root/a.png, root/sub/b.png, root/sub/loop -> root, root/linked -> elsewhere (elsewhere/x.png),
     * root/dangling -> a missing file, root/self -> itself, root/.hidden.png and root/.a.png.crc (a
     * Hadoop checksum file).
     */
    private static java.nio.file.Path tree(java.nio.file.Path dir) throws Exception {
        java.nio.file.Path root = Files.createDirectories(dir.resolve("root/sub"));
        root = root.getParent();
        Files.createDirectories(dir.resolve("elsewhere"));
        Files.write(root.resolve("a.png"), new byte[]{1});
        Files.write(root.resolve("sub/b.png"), new byte[]{2});
        Files.write(dir.resolve("elsewhere/x.png"), new byte[]{3});
        Files.write(root.resolve(".hidden.png"), new byte[]{4});
        Files.write(root.resolve(".a.png.crc"), new byte[]{5});
        Files.createSymbolicLink(root.resolve("sub/loop"), root);
        Files.createSymbolicLink(root.resolve("linked"), dir.resolve("elsewhere"));
        Files.createSymbolicLink(root.resolve("dangling"), dir.resolve("missing.png"));
        Files.createSymbolicLink(root.resolve("self"), root.resolve("self"));
        return root;
    }

    @Test
    void linksAreFollowedOnceAndWhatCannotBeReadIsReported(@TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path root = tree(dir);
        ImageLister.Listing listing = list(FileSystem.getLocal(CONF), root);
        String r = "file:" + root;
        assertEquals(List.of(r + "/a.png", r + "/linked/x.png", r + "/sub/b.png"), listing.files().stream().sorted().toList());
        assertEquals(List.of(
                new SkippedFile(r, "1 hidden entries (names starting with '.') not read"),
                new SkippedFile(r + "/dangling", "symbolic link to a missing file: not read"),
                new SkippedFile(r + "/self", "not read: too many levels of symbolic links or unable to access attributes of symbolic link"),
                new SkippedFile(r + "/sub/loop", "symbolic link to a folder already listed (" + r
                        + "): not listed again")), sortedSkips(listing));
    }

    @Test
    void theRawLocalFileSystemHasNoChecksumFilesToLeaveOut(@TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path root = tree(dir);
        ImageLister.Listing listing = list(FileSystem.getLocal(CONF).getRaw(), root);
        assertEquals(3, listing.files().size());
        assertEquals(new SkippedFile("file:" + root, "2 hidden entries (names starting with '.') not read"),
                sortedSkips(listing).get(0));
    }

    @Test
    void namesThatAreNotUtf8AreReportedNotFollowed(@TempDir java.nio.file.Path dir) throws Exception {
        assumeTrue(Files.isExecutable(java.nio.file.Path.of("/bin/sh")), "needs a shell to write raw name bytes");
        Files.write(dir.resolve("ok.png"), new byte[]{1});
        // "caf\351" is Latin-1 "café": byte 0xE9 alone is not UTF-8.
        Process p = new ProcessBuilder("/bin/sh", "-c", "mkdir \"$(printf 'caf\\351')\" && touch \"$(printf 'caf\\351')/in.png\" \"$(printf 'caf\\351.png')\"")
                .directory(dir.toFile()).inheritIO().start();
        assertEquals(0, p.waitFor());
        ImageLister.Listing listing = list(FileSystem.getLocal(CONF), dir);
        assertEquals(List.of("file:" + dir + "/ok.png"), listing.files());
        assertEquals(List.of(new SkippedFile("file:" + dir + "/caf\uFFFD", "file name is not valid UTF-8: rename it"),
                new SkippedFile("file:" + dir + "/caf\uFFFD.png", "file name is not valid UTF-8: rename it")),
                sortedSkips(listing));
    }

    @Test
    void aFolderThatCannotBeReadIsReported(@TempDir java.nio.file.Path dir) throws Exception {
        Files.write(Files.createDirectories(dir.resolve("locked")).resolve("in.png"), new byte[]{1});
        Files.write(dir.resolve("ok.png"), new byte[]{1});
        Files.setPosixFilePermissions(dir.resolve("locked"), PosixFilePermissions.fromString("---------"));
        try {
            assumeTrue(!Files.isReadable(dir.resolve("locked")), "root reads every folder");
            ImageLister.Listing listing = list(FileSystem.getLocal(CONF), dir);
            assertEquals(List.of("file:" + dir + "/ok.png"), listing.files());
            assertEquals(List.of(new SkippedFile("file:" + dir + "/locked", "folder not listed: permission denied")),
                    listing.skipped());
        } finally {
            Files.setPosixFilePermissions(dir.resolve("locked"), PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void anEmptyFolderListsNothing(@TempDir java.nio.file.Path dir) throws Exception {
        ImageLister.Listing listing = list(FileSystem.getLocal(CONF), dir);
        assertEquals(List.of(), listing.files());
        assertEquals(List.of(), listing.skipped());
    }
}
