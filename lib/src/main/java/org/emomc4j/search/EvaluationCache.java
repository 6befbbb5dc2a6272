package org.emomc4j.search;

import org.emomc4j.metrics.Correctness;
import org.emomc4j.util.ChecksummedFile;
import org.emomc4j.util.Csv;
import org.emomc4j.util.Hashes;
import org.emomc4j.util.UserError;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One evaluation cache shared by the seven stage-2 searches of a reproduction (four dataflows,
 * three codings): a genome scored on the same stage-1 networks, in the same precision, on the
 * same scoring images has the same per-image correctness whichever objective its search
 * optimizes, so it is measured once. Under {@link Racing} it holds each genome's correctness on
 * the first images measured so far (a slice or all of them); a later request for more images
 * measures only the rest. The cache saves time only: what a search records and selects is the
 * same with an empty cache.
 *
 * <p><b>Identity.</b> {@link #key} names what the accuracies depend on (the stage-1 directory's
 * identity, which holds the baseline's SHA-256 and the training data; the precision; the scoring
 * images' fingerprint and count; int8's calibration images). The file is named after the key's
 * SHA-256 and holds the key, so a cache of another baseline, stage 1, precision or image set is
 * never read.
 *
 * <p><b>File format</b> (version 1), UTF-8 text, written atomically:
 * <pre>
 *   emomc4j-eval-cache 1 sha256=&lt;64 hex digits: SHA-256 of every byte after this line&gt;\n
 *   key &lt;the key, one line&gt;\n
 *   genome,images,bits\n                          CSV header
 *   &lt;genome key, ';' for ','&gt;,&lt;n&gt;,&lt;Base64 bits&gt;\n   correctness on the first n scoring images
 * </pre>
 * Reading checks the header, the checksum, the key, every genome (it must parse) and every bit
 * string ({@link Correctness#decode}), and that no entry claims more images than the set has.
 * Nothing in the file is executed or instantiated (no Java serialization).
 */
public final class EvaluationCache implements AccuracyOracle {

    static final String MAGIC = "emomc4j-eval-cache";
    static final int VERSION = 1;
    private static final long MAX_BYTES = 1L << 30;
    /** Writes are at most this often (a lost entry is only measured again; each search's correctness.txt keeps its own). */
    private static final long WRITE_EVERY_NANOS = 60_000_000_000L;

    private final AccuracyOracle inner;
    private final String key;
    private final Path file;
    private final int total;
    private final Map<Genome, Correctness> known = new LinkedHashMap<>();
    private final Map<Genome, String> encoded = new java.util.HashMap<>();
    private volatile Correctness uncompressed;
    private boolean dirty;
    private long lastWrite = System.nanoTime();
    private long imagesMeasured, requests, hits;

    /**
     * A cache over {@code inner} (an oracle keeping per-image correctness on {@code inner.imageCount()}
     * images), loaded from and saved to {@code dir} under its key (null dir: in memory only).
     *
     * @param key what the accuracies depend on ({@link #key(String, String, String, int, String)})
     */
    public EvaluationCache(AccuracyOracle inner, String key, Path dir) throws IOException {
        this.inner = inner;
        this.key = key;
        this.total = inner.imageCount();
        if (total < 1) throw new IllegalArgumentException("a shared evaluation cache needs an oracle that knows its image count");
        if (key.contains("\n")) throw new IllegalArgumentException("a cache key is one line");
        this.file = dir == null ? null : dir.resolve(fileName(key));
        if (file != null && Files.exists(file)) load();
    }

    /**
     * The key of the cache: what a genome's correctness depends on besides the genome.
     *
     * @param stage1      the stage-1 networks' identity ({@link Reproduce#stage1Identity})
     * @param precision   the scoring arithmetic's id
     * @param images      the scoring images' fingerprint ({@link org.emomc4j.data.ImageSet#fingerprint})
     * @param imageCount  how many
     * @param calibration int8's calibration images' fingerprint and count, or "none"
     */
    public static String key(String stage1, String precision, String images, int imageCount, String calibration) {
        return "stage1=" + stage1 + "; precision=" + precision + "; images=" + images + " (" + imageCount + "); calibration="
                + calibration;
    }

    /** The file a key's cache lives in. */
    public static String fileName(String key) {
        return "eval-cache-" + Hashes.sha256(key.getBytes(StandardCharsets.UTF_8)).substring(0, 16) + ".txt";
    }

    @Override
    public double accuracy(Genome genome) { return correctness(genome).accuracy(); }

    @Override
    public Correctness correctness(Genome genome) { return correctness(genome, 0, total); }

    @Override
    public Correctness correctness(Genome genome, int from, int to) {
        if (from < 0 || to > total || from >= to)
            throw new IllegalArgumentException("images [" + from + ", " + to + ") of " + total);
        Correctness have;
        synchronized (this) {
            requests++;
            have = known.get(genome);
            if (have != null && have.images() >= to) {
                hits++;
                return slice(have, from, to);
            }
        }
        int start = have == null ? 0 : have.images();
        Correctness more = inner.correctness(genome, start, to);
        if (more == null) throw new IllegalStateException("the shared evaluation cache needs an oracle keeping per-image correctness");
        Correctness all = have == null ? more : have.concat(more);
        synchronized (this) {
            imagesMeasured += to - start;
            Correctness now = known.get(genome);
            if (now == null || now.images() < all.images()) {
                known.put(genome, all);
                encoded.remove(genome);
                dirty = true;
            }
        }
        return slice(all, from, to);
    }

    private static Correctness slice(Correctness c, int from, int to) {
        if (from == 0) return to == c.images() ? c : c.prefix(to);
        boolean[] b = new boolean[to - from];
        for (int i = from; i < to; i++) b[i - from] = c.correct(i);
        return Correctness.of(b);
    }

    @Override
    public Correctness uncompressedCorrectness() {
        Correctness u = uncompressed;
        if (u == null) uncompressed = u = inner.uncompressedCorrectness();
        return u;
    }

    @Override
    public int imageCount() { return total; }

    /** Saves the cache when something new was measured and a minute has passed since the last write. */
    @Override
    public void flush() throws IOException { save(false); }

    /** Saves the cache now when something new was measured (end of a search). */
    public void save() throws IOException { save(true); }

    private synchronized void save(boolean now) throws IOException {
        if (file == null || !dirty || (!now && System.nanoTime() - lastWrite < WRITE_EVERY_NANOS)) return;
        StringBuilder sb = new StringBuilder("key ").append(key).append('\n');
        sb.append(Csv.line("genome", "images", "bits")).append('\n');
        for (Map.Entry<Genome, Correctness> e : known.entrySet()) {
            String bits = encoded.computeIfAbsent(e.getKey(), g -> e.getValue().encode());
            sb.append(SearchRun.csvKey(e.getKey())).append(',').append(e.getValue().images()).append(',').append(bits).append('\n');
        }
        Files.createDirectories(file.getParent());
        ChecksummedFile.write(file, MAGIC, VERSION, sb.toString().getBytes(StandardCharsets.UTF_8));
        dirty = false;
        lastWrite = System.nanoTime();
    }

    private void load() throws IOException {
        String body = ChecksummedFile.read(file, MAGIC, VERSION, MAX_BYTES, this::bad);
        int nl = body.indexOf('\n');
        if (nl < 0 || !body.startsWith("key ")) throw bad("has no 'key ...' line");
        if (!body.substring(4, nl).equals(key)) throw bad("was written for other inputs (" + body.substring(4, nl) + ")");
        List<String[]> rows;
        try {
            rows = Csv.parse(body.substring(nl + 1));
        } catch (IllegalArgumentException e) {
            throw bad("is not CSV: " + e.getMessage());
        }
        if (rows.isEmpty() || !String.join(",", rows.get(0)).equals("genome,images,bits")) throw bad("has no 'genome,images,bits' header");
        for (int i = 1; i < rows.size(); i++) {
            String[] r = rows.get(i);
            String where = "line " + (i + 3);
            if (r.length != 3) throw bad(where + " has " + r.length + " fields, not 3");
            Genome g;
            int n;
            Correctness c;
            try {
                g = Genome.parse(r[0].replace(';', ','));
                n = Integer.parseInt(r[1]);
                c = n < 1 || n > total ? null : Correctness.decode(r[2], n);
            } catch (IllegalArgumentException e) {   // also NumberFormatException
                throw bad(where + ": " + e.getMessage());
            }
            if (c == null) throw bad(where + " claims " + n + " images; the scoring set has " + total);
            known.put(g, c);
            encoded.put(g, r[2]);
        }
    }

    private UserError bad(String what) {
        return new UserError("evaluation cache " + file + " " + what + "; delete it (its genomes are then measured again)");
    }

    /** Genomes held (with any number of images). */
    public synchronized int size() { return known.size(); }

    /** Requests answered without measuring anything. */
    public synchronized long hits() { return hits; }

    /** Requests (accuracies and correctness of a genome on some images). */
    public synchronized long requests() { return requests; }

    /** Images the inner oracle scored through this cache (this session). */
    public synchronized long imagesMeasured() { return imagesMeasured; }

    /** The cache file (null: in memory only). */
    public Path file() { return file; }
}
