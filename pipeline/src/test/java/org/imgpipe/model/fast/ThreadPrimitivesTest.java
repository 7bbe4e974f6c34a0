package org.imgpipe.model.fast;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The per-thread cache's contract, on stand-in primitives that record their closing. */
class ThreadPrimitivesTest {
    /** Primitives of a shape that remember whether they were closed. */
    private static final class Fake implements ThreadPrimitives.Primitives {
        boolean closed;

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void theLeastRecentlyUsedShapeIsClosedWhenAThirdArrives() {
        ThreadPrimitives<Integer, Fake> cache = new ThreadPrimitives<>("fakes", 2);
        List<Integer> created = new ArrayList<>();
        Fake one = cache.get(1, s -> { created.add(s); return new Fake(); });
        Fake two = cache.get(2, s -> { created.add(s); return new Fake(); });
        assertSame(one, cache.get(1, s -> { created.add(s); return new Fake(); }), "kept, not created again");
        Fake three = cache.get(3, s -> { created.add(s); return new Fake(); });
        assertEquals(List.of(1, 2, 3), created);
        assertTrue(two.closed, "2 was used least recently");
        assertFalse(one.closed || three.closed);
        assertFalse(cache.has(2));
        assertTrue(cache.has(1) && cache.has(3));
    }

    @Test
    void aShapeOneDnnRefusesIsNotTriedAgainAndARefusedOneIsClosed() {
        ThreadPrimitives<Integer, Fake> cache = new ThreadPrimitives<>("fakes", 2);
        int[] attempts = {0};
        assertNull(cache.get(7, s -> { attempts[0]++; throw new IllegalStateException("no kernel"); }));
        assertNull(cache.get(7, s -> { attempts[0]++; return new Fake(); }));
        assertEquals(1, attempts[0]);
        Fake eight = cache.get(8, s -> new Fake());
        cache.refuse(8, new IllegalStateException("failed to run"));
        assertTrue(eight.closed);
        assertNull(cache.get(8, s -> new Fake()), "refused from then on");
    }

    @Test
    void eachThreadKeepsItsOwn() throws InterruptedException {
        ThreadPrimitives<Integer, Fake> cache = new ThreadPrimitives<>("fakes", 2);
        Fake here = cache.get(1, s -> new Fake());
        Fake[] there = new Fake[1];
        Thread other = new Thread(() -> there[0] = cache.get(1, s -> new Fake()));
        other.start();
        other.join();
        assertTrue(there[0] != null && there[0] != here);
    }
}
