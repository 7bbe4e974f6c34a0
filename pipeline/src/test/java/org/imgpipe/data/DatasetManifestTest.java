package org.imgpipe.data;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.imgpipe.base.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DatasetManifestTest {
    private final Configuration conf = new Configuration();

    @Test
    void roundTripsAndGivesAnEmptyFoldTheFingerprintOfNoImages(@TempDir java.nio.file.Path dir) throws IOException {
        DatasetManifest m = new DatasetManifest("/data", 32, List.of("a", "b"),
                Map.of("train1", new long[]{2, 1}, "test", new long[]{0, 0}), Map.of("train1", "00000000000000ff"));
        m.write(new Path(dir.toString()), conf);
        DatasetManifest back = DatasetManifest.read(new Path(dir.toString()), conf);
        assertArrayEquals(new long[]{2, 1}, back.counts().get("train1"));
        assertEquals(3, back.count("train1"));
        assertEquals(0, back.count("test"));
        assertEquals("00000000000000ff", back.fingerprint("train1"));
        assertEquals(Fingerprint.format(0), back.fingerprint("test"));
    }

    @Test
    void aManifestWithoutFingerprintsAsksForANewIngest(@TempDir java.nio.file.Path dir) throws IOException {
        Files.writeString(dir.resolve(DatasetManifest.FILE), "{\"sourceRoot\":\"/data\",\"imageSize\":32,"
                + "\"classNames\":[\"a\"],\"counts\":{\"train1\":[4]}}");
        UserError e = assertThrows(UserError.class, () -> DatasetManifest.read(new Path(dir.toString()), conf));
        assertEquals(new Path(dir.toString(), DatasetManifest.FILE) + " was written by an older version of the "
                + "pipeline (no fingerprints): run the ingest job again", e.getMessage());
    }

    @Test
    void noManifestMeansNoIngest(@TempDir java.nio.file.Path dir) {
        UserError e = assertThrows(UserError.class, () -> DatasetManifest.read(new Path(dir.toString()), conf));
        assertEquals("no ingested data at " + new Path(dir.toString()) + " (" + DatasetManifest.FILE
                + " missing): run the ingest job first", e.getMessage());
    }
}
