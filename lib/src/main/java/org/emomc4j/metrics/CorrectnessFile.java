package org.emomc4j.metrics;

import org.emomc4j.util.ChecksummedFile;
import org.emomc4j.util.Csv;
import org.emomc4j.util.UserError;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-image correctness of many networks in one file, kept beside a search's evaluations so a
 * resumed search, and a report rebuilt later, still have the paired accuracy losses.
 *
 * <p>Format (version 1), UTF-8 text:
 * <pre>
 *   emomc4j-correctness 1 sha256=&lt;64 hex digits: SHA-256 of every byte after this line&gt;\n
 *   key,images,bits\n                      header
 *   &lt;key&gt;,&lt;N&gt;,&lt;Base64 bits&gt;\n          one line per network
 * </pre>
 * {@code key} names the network (a genome key with ';' for ',', or {@value #UNCOMPRESSED} for the
 * baseline); {@code bits} is {@link Correctness#encode}'s form. Reading checks the header, the
 * checksum and every line; nothing in the file is executed or instantiated.
 */
public final class CorrectnessFile {
    private CorrectnessFile() { }

    static final String MAGIC = "emomc4j-correctness";
    static final int VERSION = 1;
    /** The key of the uncompressed network (r = 1, 32 bit) on the same images. */
    public static final String UNCOMPRESSED = "uncompressed";
    private static final long MAX_BYTES = 256L << 20;

    /** Writes the entries (in the map's order) atomically. */
    public static void write(Path file, Map<String, Correctness> entries) throws IOException {
        Csv.Builder csv = new Csv.Builder("key", "images", "bits");
        for (Map.Entry<String, Correctness> e : entries.entrySet()) {
            if (e.getKey().contains(",") || e.getKey().contains("\n"))
                throw new IllegalArgumentException("a correctness key may hold no comma or newline: " + e.getKey());
            csv.row(e.getKey(), e.getValue().images(), e.getValue().encode());
        }
        ChecksummedFile.write(file, MAGIC, VERSION, csv.text().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads a file {@link #write} wrote; an absent file reads as empty (a run from before per-image
     * results were kept).
     *
     * @throws UserError naming the file when it is corrupt or malformed
     */
    public static Map<String, Correctness> read(Path file) throws IOException {
        Map<String, Correctness> out = new LinkedHashMap<>();
        if (!Files.exists(file)) return out;
        String body = ChecksummedFile.read(file, MAGIC, VERSION, MAX_BYTES, what -> bad(file, what));
        List<String[]> rows;
        try {
            rows = Csv.parse(body);
        } catch (IllegalArgumentException e) {
            throw bad(file, "is not CSV: " + e.getMessage());
        }
        if (rows.isEmpty() || !String.join(",", rows.get(0)).equals("key,images,bits")) throw bad(file, "has no 'key,images,bits' header");
        for (int i = 1; i < rows.size(); i++) {
            String[] r = rows.get(i);
            if (r.length != 3) throw bad(file, "line " + (i + 2) + " has " + r.length + " fields, not 3");
            try {
                out.put(r[0], Correctness.decode(r[2], Integer.parseInt(r[1])));
            } catch (IllegalArgumentException e) {
                throw bad(file, "line " + (i + 2) + ": " + e.getMessage());
            }
        }
        return out;
    }

    private static UserError bad(Path file, String what) {
        return new UserError("per-image correctness file " + file + " " + what + "; delete it (paired losses then show no interval)");
    }
}
