package org.emomc4j.search;

import org.emomc4j.metrics.Correctness;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers accuracies (and per-image correctness, when the inner oracle keeps it) by genome
 * across searches: the seven searches of a reproduction (four dataflows, three codings) score
 * many of the same genomes on the same images.
 */
public final class MemoAccuracy implements AccuracyOracle {
    private static final Correctness NONE = Correctness.of(new boolean[0]);
    private final AccuracyOracle inner;
    private final Map<Genome, Double> memo = new ConcurrentHashMap<>();
    private final Map<Genome, Correctness> correct = new ConcurrentHashMap<>();
    private volatile Correctness uncompressed;

    public MemoAccuracy(AccuracyOracle inner) { this.inner = inner; }

    @Override
    public double accuracy(Genome genome) {
        Double hit = memo.get(genome);
        if (hit != null) return hit;
        Correctness c = correctness(genome);
        double a = c != null ? c.accuracy() : inner.accuracy(genome);
        memo.putIfAbsent(genome, a);
        return a;
    }

    @Override
    public Correctness correctness(Genome genome) {
        Correctness c = correct.computeIfAbsent(genome, g -> {
            Correctness x = inner.correctness(g);
            return x == null ? NONE : x;
        });
        return c == NONE ? null : c;
    }

    @Override
    public Correctness uncompressedCorrectness() {
        Correctness u = uncompressed;
        if (u == null) {
            u = inner.uncompressedCorrectness();
            uncompressed = u == null ? NONE : u;
        }
        return u == NONE ? null : u;
    }

    /** The inner oracle's image count: a racing search over a memo still races (each slice cut from the memoized whole). */
    @Override
    public int imageCount() { return inner.imageCount(); }

    public int size() { return memo.size(); }
}
