package org.imgpipe.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The peer's protocol, with sh scripts standing in for scripts/torch_model_s.py. */
class PeerTest {
    private static Peer peer(Path dir, String body) throws IOException {
        Path script = dir.resolve("peer.sh");
        Files.writeString(script, body);
        return new Peer("sh", script, 2);
    }

    @Test
    void readsTheRateTheScriptPrintsAndPassesItsArguments(@TempDir Path dir) throws IOException {
        Peer p = peer(dir, "[ \"$*\" = 'train --threads 2 --steps 40 --warmup 2 --batch 32' ] || exit 1\n"
                + "echo 'train 123.4'\n");
        assertEquals(123.4, p.train(40, 2, 32));
    }

    @Test
    void runsUnderOpenMpsDefaultWaitPolicyWhateverThisJvmsEnvironmentSets(@TempDir Path dir) throws IOException {
        assertEquals("PASSIVE", System.getenv(Peer.WAIT_POLICY_VARIABLE), "bench/pom.xml sets it, as scripts/env.sh");
        Peer p = peer(dir, "[ -z \"${" + Peer.WAIT_POLICY_VARIABLE + "+set}\" ] || exit 1\necho 'train 1'\n");
        assertEquals(1.0, p.train(1, 0, 32));
    }

    @Test
    void withoutPyTorchThePeerIsUnavailableWithTheScriptsReason(@TempDir Path dir) throws IOException {
        Peer p = peer(dir, "echo \"PyTorch not importable: No module named 'torch'\" >&2\nexit 3\n");
        Peer.Availability a = p.check();
        assertFalse(a.available());
        assertEquals("PyTorch not importable: No module named 'torch'", a.reason());
    }

    @Test
    void aMissingScriptIsNamed(@TempDir Path dir) {
        Peer.Availability a = new Peer("sh", dir.resolve("none.py"), 2).check();
        assertFalse(a.available());
        assertTrue(a.reason().contains("none.py not found"), a.reason());
    }

    @Test
    void aFailingScriptFailsTheMeasurementWithItsLastErrorLine(@TempDir Path dir) throws IOException {
        Peer p = peer(dir, "echo 'Traceback' >&2\necho 'RuntimeError: out of memory' >&2\nexit 1\n");
        IOException e = assertThrows(IOException.class, () -> p.infer(4, 1, 256));
        assertTrue(e.getMessage().endsWith("RuntimeError: out of memory"), e.getMessage());
        assertTrue(p.check().reason().endsWith("RuntimeError: out of memory"));
    }
}
