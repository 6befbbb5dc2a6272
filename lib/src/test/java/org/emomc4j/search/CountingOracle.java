package org.emomc4j.search;

import org.emomc4j.metrics.Correctness;

import java.util.HashMap;
import java.util.Map;

/** Wraps an oracle and counts, per genome, how often it was asked to measure, and how many images in all. */
final class CountingOracle implements AccuracyOracle {
    final AccuracyOracle inner;
    final Map<Genome, Integer> calls = new HashMap<>();
    long images;

    CountingOracle(AccuracyOracle inner) { this.inner = inner; }

    @Override
    public double accuracy(Genome g) { return correctness(g).accuracy(); }

    @Override
    public Correctness correctness(Genome g) { return correctness(g, 0, imageCount()); }

    @Override
    public synchronized Correctness correctness(Genome g, int from, int to) {
        calls.merge(g, 1, Integer::sum);
        images += to - from;
        return inner.correctness(g, from, to);
    }

    @Override
    public int imageCount() { return inner.imageCount(); }
}
