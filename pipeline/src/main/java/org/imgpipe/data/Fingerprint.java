package org.imgpipe.data;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A fingerprint of a fold's content: the sum, modulo 2^64, of a SHA-256-based hash of every
 * (label, pixels) pair. Order-free, so executors can sum their parts in any order, and it changes
 * when an image is added, removed, altered or relabelled; renaming files leaves it unchanged.
 */
public final class Fingerprint {
    private Fingerprint() {
    }

    static long ofImage(int label, byte[] pixels) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(ByteBuffer.allocate(4).putInt(label).array());
            return ByteBuffer.wrap(sha.digest(pixels)).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    static String format(long sum) {
        return String.format("%016x", sum);
    }
}
