package org.emomc4j.util;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * A text file a user may receive from someone else (search state, per-image results), framed as
 * {@code <magic> <version> sha256=<64 hex digits>\n<body>}: the checksum covers every byte after the
 * header line, so corruption is caught before the body is parsed. The body is the caller's own
 * documented format; nothing here interprets it.
 */
public final class ChecksummedFile {
    private ChecksummedFile() { }

    /** Writes the header and the body atomically. */
    public static void write(Path file, String magic, int version, byte[] body) throws IOException {
        byte[] header = (magic + " " + version + " sha256=" + Hashes.sha256(body) + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[header.length + body.length];
        System.arraycopy(header, 0, all, 0, header.length);
        System.arraycopy(body, 0, all, header.length, body.length);
        AtomicFiles.write(file, all);
    }

    /**
     * Reads and checks the header and checksum; returns the body as UTF-8 text.
     *
     * @param bad turns what is wrong ("is corrupt (checksum mismatch)") into the caller's error naming the file
     */
    public static String read(Path file, String magic, int version, long maxBytes, Function<String, UserError> bad) throws IOException {
        long size = Files.size(file);
        if (size > maxBytes) throw bad.apply("is " + size + " bytes, more than any such file (" + maxBytes + ")");
        byte[] all = Files.readAllBytes(file);
        int nl = -1;
        for (int i = 0; i < Math.min(all.length, 200); i++) if (all[i] == '\n') { nl = i; break; }
        if (nl < 0) throw bad.apply("has no '" + magic + "' header line");
        String[] head = new String(all, 0, nl, StandardCharsets.US_ASCII).split(" ");
        if (head.length != 3 || !head[0].equals(magic) || !head[2].startsWith("sha256="))
            throw bad.apply("does not start with '" + magic + " <version> sha256=<hex>'");
        if (!head[1].equals(Integer.toString(version)))
            throw bad.apply("is format version " + head[1] + "; this emomc4j reads version " + version);
        if (!Hashes.sha256(all, nl + 1, all.length - nl - 1).equals(head[2].substring("sha256=".length())))
            throw bad.apply("is corrupt (checksum mismatch)");
        return new String(all, nl + 1, all.length - nl - 1, StandardCharsets.UTF_8);
    }
}
