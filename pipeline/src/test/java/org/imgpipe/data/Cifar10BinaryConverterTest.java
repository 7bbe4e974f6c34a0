package org.imgpipe.data;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.imgpipe.base.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Cifar10BinaryConverterTest {
    private static final int PLANE = 32 * 32;

    /** A record whose pixel p has R = p % 256, G = label * 20, B = 255 - p % 256. */
    private static byte[] record(int label) {
        byte[] r = new byte[1 + 3 * PLANE];
        r[0] = (byte) label;
        for (int p = 0; p < PLANE; p++) {
            r[1 + p] = (byte) p;
            r[1 + PLANE + p] = (byte) (label * 20);
            r[1 + 2 * PLANE + p] = (byte) (255 - p);
        }
        return r;
    }

    @Test
    void convertsBatchesIntoTheFoldLayoutWithExactPixels(@TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path in = Files.createDirectories(dir.resolve("cifar-10-batches-bin"));
        byte[] batch = new byte[3 * record(0).length];
        System.arraycopy(record(3), 0, batch, 0, record(3).length);
        System.arraycopy(record(9), 0, batch, record(3).length, record(9).length);
        System.arraycopy(record(3), 0, batch, 2 * record(3).length, record(3).length);
        Files.write(in.resolve("data_batch_2.bin"), batch);
        Files.write(in.resolve("test_batch.bin"), record(0));
        Files.writeString(in.resolve("batches.meta.txt"),
                "airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n");

        Configuration conf = new Configuration();
        Path out = new Path(dir.toUri().toString(), "folds");
        Map<String, Integer> written = new Cifar10BinaryConverter().convert(new Path(in.toUri().toString()), out, conf);
        assertEquals(Map.of("train2", 3, "test", 1), written);

        java.nio.file.Path folds = dir.resolve("folds");
        assertTrue(Files.exists(folds.resolve("train2/003_cat/0000.png")));
        assertTrue(Files.exists(folds.resolve("train2/003_cat/0001.png")));
        assertTrue(Files.exists(folds.resolve("train2/009_truck/0000.png")));
        assertTrue(Files.exists(folds.resolve("test/000_airplane/0000.png")));

        byte[] px = new ImageDecoder(32).decode(Files.readAllBytes(folds.resolve("train2/009_truck/0000.png")));
        for (int p = 0; p < PLANE; p++) {
            assertArrayEquals(new byte[]{(byte) p, (byte) 180, (byte) (255 - p)},
                    new byte[]{px[3 * p], px[3 * p + 1], px[3 * p + 2]}, "pixel " + p);
        }
    }

    @Test
    void aFileOfTheWrongSizeIsRejectedByName(@TempDir java.nio.file.Path dir) throws Exception {
        Files.write(dir.resolve("data_batch_1.bin"), new byte[100]);
        UserError e = assertThrows(UserError.class, () -> new Cifar10BinaryConverter()
                .convert(new Path(dir.toUri().toString()), new Path(dir.toUri().toString(), "out"), new Configuration()));
        assertTrue(e.getMessage().contains("data_batch_1.bin is not a CIFAR-10 binary batch"), e.getMessage());
        assertTrue(Files.notExists(dir.resolve("out")));
    }
}
