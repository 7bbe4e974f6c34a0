package org.imgpipe.data;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The sample grid's pick from one partition: the first n of each class, and no more reading than needed. */
class FirstPerClassTest {
    private static LabeledImage img(int label, int id) {
        return new LabeledImage(label, new byte[]{(byte) id});
    }

    private static List<Integer> ids(Iterator<LabeledImage> it) {
        List<Integer> out = new ArrayList<>();
        it.forEachRemaining(e -> out.add((int) e.pixels()[0]));
        return out;
    }

    @Test
    void firstTwoOfEachClassInPartitionOrder() {
        List<LabeledImage> in = List.of(img(1, 1), img(0, 2), img(1, 3), img(1, 4), img(0, 5), img(0, 6));
        assertEquals(List.of(1, 2, 3, 5), ids(new FirstPerClass(2, 2).call(in.iterator())));
    }

    @Test
    void stopsReadingOnceEveryClassHasItsShare() {
        List<LabeledImage> in = new ArrayList<>(List.of(img(0, 1), img(1, 2)));
        Iterator<LabeledImage> source = in.iterator();
        Iterator<LabeledImage> guarded = new Iterator<>() {
            int read;

            @Override
            public boolean hasNext() {
                return source.hasNext() || read < 3;
            }

            @Override
            public LabeledImage next() {
                read++;
                if (read > 2) {
                    throw new AssertionError("read past what was needed");
                }
                return source.next();
            }
        };
        assertEquals(List.of(1, 2), ids(new FirstPerClass(2, 1).call(guarded)));
    }

    @Test
    void aClassWithFewerImagesAndAnEmptyPartition() {
        assertEquals(List.of(1), ids(new FirstPerClass(3, 2).call(List.of(img(2, 1)).iterator())));
        assertEquals(List.of(), ids(new FirstPerClass(3, 2).call(new ArrayList<LabeledImage>().iterator())));
    }
}
