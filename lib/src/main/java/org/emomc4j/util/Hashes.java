package org.emomc4j.util;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 of bytes and files: the identity of a run's inputs and the checksum of its state files. */
public final class Hashes {
    private Hashes() { }

    /** SHA-256 of the concatenation of the parts. */
    public static String sha256(byte[]... parts) {
        MessageDigest d = digest();
        for (byte[] p : parts) d.update(p);
        return HexFormat.of().formatHex(d.digest());
    }

    public static String sha256(byte[] bytes, int offset, int length) {
        MessageDigest d = digest();
        d.update(bytes, offset, length);
        return HexFormat.of().formatHex(d.digest());
    }

    /** SHA-256 of a file's content, streamed. */
    public static String sha256(Path file) {
        MessageDigest d = digest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) d.update(buf, 0, n);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return HexFormat.of().formatHex(d.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
