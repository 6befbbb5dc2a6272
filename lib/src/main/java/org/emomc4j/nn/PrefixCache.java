package org.emomc4j.nn;

import org.bytedeco.javacpp.Pointer;
import org.emomc4j.util.UserError;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Exact reuse of a candidate's early activations (ours, not the paper's). A candidate's first
 * layers depend only on its stage-1 network (its r) and their bit-widths, so two candidates that
 * share both compute the same activations there: stage 2's offspring often share r and their first
 * bit-widths with an earlier candidate (with VGG-16's pooling layers as boundaries and 4 GB at width
 * 1: 5-8 % of the scoring MACs skipped on quick's stored searches, 8.8 % on the full profile's seven
 * searches run with an analytic accuracy, 11.2 % with 6 GB, {@code results/engine/prefix-reuse}; the
 * digests and copies cost about 1 % of a candidate's time there).
 *
 * <p>Inside {@link #reusing} (candidate scoring opts in), the low-precision backend
 * ({@link DnnlBackend}) keeps the output of every pooling layer of every batch chunk it scores, keyed by a 128-bit digest of everything that output depends on:
 * the arithmetic, the chunk's input values (and so its size), and every earlier layer's weights
 * (or grid codes), folded BatchNorm scales and bias and, in int8, activation ranges. A chunk whose
 * key is held skips those layers and starts from the stored bytes: the same primitives on the same
 * bytes, so the same logits, bit for bit ({@code PrefixCacheTest} compares them with reuse off).
 *
 * <p>One cache per process (searches sharing it share their candidates' layers), least recently
 * used entries dropped beyond a budget: {@code EMOMC_PREFIX_CACHE_MB} in the environment (or
 * {@code -Demomc.prefixCacheMB}), by default a sixth of the machine's memory up to
 * {@value #DEFAULT_MB} MB; 0 turns reuse off. The bytes
 * live off the Java heap (malloc); an evicted entry's block is kept for the next entry of its size
 * (within the budget). fp32 evaluation (ND4J) does not use it.
 */
public final class PrefixCache {

    /** The most the budget is when none is configured (MB): else a sixth of the machine's memory. */
    public static final long DEFAULT_MB = 4096;

    /** What the cache did since it was last reset; {@code bytes} is what it holds off the heap (entries and spare blocks). */
    public record Stats(long chunks, long chunksReused, long macs, long macsSkipped, long entries, long bytes, long budget) {
        /** Fraction of the convolutions' multiply-accumulates skipped (0 when nothing was scored). */
        public double skippedFraction() { return macs == 0 ? 0 : (double) macsSkipped / macs; }

        /** One line for logs. */
        public String describe() {
            return String.format(Locale.ROOT, "early activations reused in %d of %d batch chunks: %.1f %% of the convolutions' "
                    + "multiply-accumulates skipped (%d entries, %.0f of %.0f MB)", chunksReused, chunks, 100 * skippedFraction(),
                    entries, bytes / 1e6, budget / 1e6);
        }
    }

    private static final PrefixCache SHARED = new PrefixCache(configuredBudget());

    private final Map<Key, Entry> entries = new LinkedHashMap<>(256, 0.75f, true);
    /**
     * Blocks of evicted entries, by size, kept for the next entries of that size: on the development
     * VM first-touching fresh memory cost 20-30 ms per 4 MB block, and a width-1 candidate storing its
     * 312 MB of pooling outputs into fresh blocks scored 2.2 s (30 %) slower.
     */
    private final Map<Long, java.util.ArrayDeque<Pointer>> spare = new java.util.HashMap<>();
    private long budget, bytes, spareBytes, chunks, chunksReused, macs, macsSkipped;
    /** Open {@link #reusing} calls. */
    private int active;

    private PrefixCache(long budget) { this.budget = budget; }

    /** The process's cache. */
    static PrefixCache shared() { return SHARED; }

    /** The process's cache's statistics. */
    public static Stats stats() { return SHARED.snapshot(); }

    /** Empties the process's cache, zeroes its statistics and sets its budget (bytes; 0 = off). */
    public static void reset(long budgetBytes) {
        if (budgetBytes < 0) throw new IllegalArgumentException("prefix cache budget must be >= 0 bytes, got " + budgetBytes);
        synchronized (SHARED) {
            SHARED.entries.values().forEach(e -> Pointer.free(e.data));
            SHARED.entries.clear();
            SHARED.bytes = 0;
            SHARED.freeSpare();
            SHARED.budget = budgetBytes;
            SHARED.chunks = SHARED.chunksReused = SHARED.macs = SHARED.macsSkipped = 0;
        }
    }

    /** The budget from the environment or system property, else the default (bytes). */
    public static long configuredBudget() {
        String v = System.getProperty("emomc.prefixCacheMB", System.getenv("EMOMC_PREFIX_CACHE_MB"));
        if (v == null || v.isBlank()) {
            long total = java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                    ? os.getTotalMemorySize() : 0;
            return total > 0 ? Math.min(DEFAULT_MB << 20, total / 6) : 1024L << 20;
        }
        try {
            long mb = Long.parseLong(v.trim());
            if (mb >= 0) return mb << 20;
        } catch (NumberFormatException e) { /* reported below */ }
        throw new UserError("EMOMC_PREFIX_CACHE_MB must be a whole number of megabytes >= 0 (0 turns activation reuse off), got '" + v + "'");
    }

    synchronized boolean enabled() { return budget > 0 && active > 0; }

    /**
     * Runs {@code work} with reuse on: low-precision passes inside it look up and store activations.
     * Only candidate scoring opts in ({@link org.emomc4j.search.CheckpointAccuracy}): elsewhere the
     * same batch and weights do not come back (a training run's validation after each epoch) or
     * must not be answered from memory (benchmarks timing the same batch again).
     */
    public static <T> T reusing(java.util.function.Supplier<T> work) {
        synchronized (SHARED) { SHARED.active++; }
        try {
            return work.get();
        } finally {
            synchronized (SHARED) { SHARED.active--; }
        }
    }

    /** A 128-bit content key. */
    record Key(long a, long b) { }

    private record Entry(Pointer data, long bytes) { }

    /** Copies the entry of {@code key} into {@code dst} ({@code bytes} long); false when it is not held. */
    synchronized boolean restore(Key key, Pointer dst, long bytes) {
        Entry e = entries.get(key);
        if (e == null || e.bytes != bytes) return false;
        Pointer.memcpy(dst, e.data, bytes);
        return true;
    }

    /** Keeps a copy of {@code bytes} bytes at {@code src} under {@code key}, dropping the least recently used beyond the budget. */
    synchronized void store(Key key, Pointer src, long bytes) {
        if (bytes > budget || entries.containsKey(key)) return;
        java.util.ArrayDeque<Pointer> same = spare.get(bytes);
        Pointer block = same == null ? null : same.poll();
        if (block != null) spareBytes -= bytes;
        while (block == null && this.bytes + spareBytes + bytes > budget) {
            Iterator<Entry> eldest = entries.values().iterator();
            if (!eldest.hasNext()) {
                freeSpare();
                continue;
            }
            Entry e = eldest.next();
            eldest.remove();
            this.bytes -= e.bytes;
            if (e.bytes == bytes) {
                block = e.data;
            } else {
                spare.computeIfAbsent(e.bytes, b -> new java.util.ArrayDeque<>()).push(e.data);
                spareBytes += e.bytes;
            }
        }
        if (block == null) block = Pointer.malloc(bytes);
        if (block == null || block.isNull()) return; // no memory: reuse is an optimisation, never a failure
        Pointer.memcpy(block, src, bytes);
        entries.put(key, new Entry(block, bytes));
        this.bytes += bytes;
    }

    /** Counts one scored chunk: its convolutions' MACs and those skipped by reuse. */
    synchronized void count(long chunkMacs, long skipped) {
        chunks++;
        if (skipped > 0) chunksReused++;
        macs += chunkMacs;
        macsSkipped += skipped;
    }

    private void freeSpare() {
        spare.values().forEach(q -> q.forEach(Pointer::free));
        spare.clear();
        spareBytes = 0;
    }

    private synchronized Stats snapshot() {
        return new Stats(chunks, chunksReused, macs, macsSkipped, entries.size(), bytes + spareBytes, budget);
    }

    /**
     * A streaming 128-bit digest (two independently mixed 64-bit lanes, finalised with SplitMix64's
     * mixer): not cryptographic, but the keys are never chosen by an adversary and a chance
     * collision among a search's ~10^6 keys has probability about 10^-27.
     */
    static final class Digest {
        private long a = 0x243F6A8885A308D3L, b = 0x13198A2E03707344L;

        Digest add(long v) {
            a = (a ^ v) * 0x9E3779B97F4A7C15L;
            a ^= a >>> 29;
            b = Long.rotateLeft(b + v * 0xC2B2AE3D27D4EB4FL, 31) * 0x165667B19E3779F9L;
            return this;
        }

        Digest add(float v) { return add((long) Float.floatToRawIntBits(v)); }

        /** The length, then the values two by two (their exact bits). */
        Digest add(float[] v) {
            if (v == null) return add(-1L);
            add((long) v.length);
            int i = 0;
            for (; i + 1 < v.length; i += 2)
                add(((long) Float.floatToRawIntBits(v[i]) << 32) | (Float.floatToRawIntBits(v[i + 1]) & 0xFFFFFFFFL));
            if (i < v.length) add((long) Float.floatToRawIntBits(v[i]));
            return this;
        }

        Digest add(Key k) { return add(k.a).add(k.b); }

        Key key() { return new Key(mix(a ^ 0x452821E638D01377L), mix(b ^ 0xBE5466CF34E90C6CL)); }

        private static long mix(long z) {
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            return z ^ (z >>> 31);
        }
    }
}
