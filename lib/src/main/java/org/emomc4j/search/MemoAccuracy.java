package org.emomc4j.search;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers accuracies by genome across searches: the seven searches of a reproduction
 * (four dataflows, three codings) score many of the same genomes on the same images.
 */
public final class MemoAccuracy implements AccuracyOracle {
    private final AccuracyOracle inner;
    private final Map<Genome, Double> memo = new ConcurrentHashMap<>();

    public MemoAccuracy(AccuracyOracle inner) { this.inner = inner; }

    @Override
    public double accuracy(Genome genome) {
        Double hit = memo.get(genome);
        if (hit != null) return hit;
        double a = inner.accuracy(genome);
        memo.putIfAbsent(genome, a);
        return a;
    }

    public int size() { return memo.size(); }
}
