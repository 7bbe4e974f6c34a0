package org.imgpipe.io;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NioLocalFileSystemTest {
    @TempDir
    java.nio.file.Path tmp;

    private static FileSystem nioLocal() throws IOException {
        Configuration conf = new Configuration();
        conf.set("fs.file.impl", NioLocalFileSystem.class.getName());
        conf.setBoolean("fs.file.impl.disable.cache", true);
        return FileSystem.get(URI.create("file:///"), conf);
    }

    private String permissions(String relative) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve(relative)));
    }

    @Test
    void createsFoldersAndFilesWithHadoopsPermissionsAndChecksums() throws IOException {
        FileSystem fs = nioLocal();
        assertInstanceOf(NioLocalFileSystem.Raw.class, ((LocalFileSystem) fs).getRawFileSystem());
        Path dir = new Path(tmp.toUri().toString(), "a/b");
        assertTrue(fs.mkdirs(dir, new FsPermission((short) 0750)));
        assertEquals("rwxr-x---", permissions("a/b"));
        Path file = new Path(dir, "part-00000");
        try (FSDataOutputStream out = fs.create(file, new FsPermission((short) 0640), true, 4096, (short) 1,
                1 << 20, null)) {
            out.write(new byte[]{1, 2, 3});
        }
        assertEquals("rw-r-----", permissions("a/b/part-00000"));
        assertTrue(Files.exists(tmp.resolve("a/b/.part-00000.crc")), "checksummed, as Hadoop's local file system");
        fs.setPermission(file, new FsPermission((short) 0604));
        assertEquals("rw----r--", permissions("a/b/part-00000"));
    }

    @Test
    void keepsAFoldersSetgidBitAsChmodDoes() throws Exception {
        FileSystem fs = nioLocal();
        Path dir = new Path(tmp.toUri().toString(), "shared");
        assertTrue(fs.mkdirs(dir, new FsPermission((short) 0775)));
        assertEquals(0, new ProcessBuilder("chmod", "g+s", tmp.resolve("shared").toString()).start().waitFor());
        fs.setPermission(dir, new FsPermission((short) 0750));
        int mode = (Integer) Files.getAttribute(tmp.resolve("shared"), "unix:mode");
        assertEquals(02750, mode & 07777, "setgid kept, the rest changed");
    }

    @Test
    void aMissingFileIsAnError() throws IOException {
        FileSystem fs = nioLocal();
        assertThrows(IOException.class, () -> fs.setPermission(new Path(tmp.toUri().toString(), "missing"),
                new FsPermission((short) 0644)));
    }
}
