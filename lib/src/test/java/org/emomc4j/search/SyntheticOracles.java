package org.emomc4j.search;

/**
 * Analytic stand-ins for accuracy and cost with the shape of the real trade-off: fewer bits and
 * lower r cost accuracy and save energy and size. Used to test the search machinery fast.
 */
final class SyntheticOracles {
    private SyntheticOracles() { }

    static final int LAYERS = 6;
    static final long[] WEIGHTS = {1_000, 20_000, 40_000, 80_000, 160_000, 5_000};

    static AccuracyOracle accuracy() {
        return g -> {
            double a = 0.93 - 0.25 * Math.pow(1 - g.remaining(), 3);
            for (int l = 0; l < g.layers(); l++) a -= 0.02 * Math.max(0, 6 - g.bits(l)) * (l == 0 ? 2 : 1);
            return Math.max(0.1, a);
        };
    }

    /** Images of the per-image oracle. */
    static final int IMAGES = 200;

    /**
     * The synthetic accuracy rounded to whole images, with per-image correctness: the first
     * round(200 a) images right (so a paired loss against the baseline has no image going the
     * other way); the uncompressed network gets the first 186 right (93 %).
     */
    static AccuracyOracle perImage() {
        AccuracyOracle a = accuracy();
        return of(g -> firstRight((int) Math.round(IMAGES * a.accuracy(g))), firstRight(186), -1);
    }

    /** An oracle answering from per-genome correctness (and the uncompressed network's; image count -1: unknown). */
    static AccuracyOracle of(java.util.function.Function<Genome, org.emomc4j.metrics.Correctness> correct,
                             org.emomc4j.metrics.Correctness uncompressed, int images) {
        return new AccuracyOracle() {
            @Override
            public double accuracy(Genome g) { return correctness(g).accuracy(); }

            @Override
            public org.emomc4j.metrics.Correctness correctness(Genome g) { return correct.apply(g); }

            @Override
            public org.emomc4j.metrics.Correctness uncompressedCorrectness() { return uncompressed; }

            @Override
            public int imageCount() { return images; }
        };
    }

    /**
     * The synthetic accuracy on 200 images, the right ones spread over the set by a hash of the
     * genome and the image (so a slice of the first images estimates the whole with noise, as a
     * real network's would); knows its image count, so racing applies.
     */
    static AccuracyOracle spreadPerImage() {
        AccuracyOracle a = accuracy();
        return of(g -> {
            double p = a.accuracy(g);
            boolean[] c = new boolean[IMAGES];
            for (int i = 0; i < IMAGES; i++) {
                long h = (g.hashCode() * 0x9E3779B97F4A7C15L) ^ (i * 0xBF58476D1CE4E5B9L);
                h ^= h >>> 29;
                h *= 0x94D049BB133111EBL;
                h ^= h >>> 32;
                c[i] = (h >>> 11) * 0x1.0p-53 < p;
            }
            return org.emomc4j.metrics.Correctness.of(c);
        }, null, IMAGES);
    }

    static EmomcProblem spreadProblem(Objective o) {
        return new EmomcProblem(RemainingGrid.parse("0.20:0.80:0.01"), LAYERS, 2, 12, o,
                Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, spreadPerImage(), cost());
    }

    static org.emomc4j.metrics.Correctness firstRight(int k) {
        boolean[] c = new boolean[IMAGES];
        for (int i = 0; i < k; i++) c[i] = true;
        return org.emomc4j.metrics.Correctness.of(c);
    }

    static EmomcProblem perImageProblem(Objective o) {
        return new EmomcProblem(RemainingGrid.parse("0.20:0.80:0.01"), LAYERS, 2, 12, o,
                Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, perImage(), cost());
    }

    static CostOracle cost() {
        return new CostOracle() {
            @Override
            public double energyMilliJoules(Genome g) {
                double e = 0;
                for (int l = 0; l < g.layers(); l++) e += WEIGHTS[l] * g.remaining() * (g.bits(l) + 1) * 1e-6;
                return e;
            }

            @Override
            public double sizeKiB(Genome g) {
                double s = 0;
                for (int l = 0; l < g.layers(); l++) s += WEIGHTS[l] * g.bits(l) * g.remaining() / 8192.0;
                return s;
            }
        };
    }

    static EmomcProblem problem(Objective o) {
        return new EmomcProblem(RemainingGrid.parse("0.20:0.80:0.01"), LAYERS, 2, 12, o,
                Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, accuracy(), cost());
    }

    static SearchConfig config(Objective o, int generations) {
        return SearchConfig.builder(o).dataflow("XY").coding("csr").budget(12, 6, generations).seed(7)
                .extra(java.util.Map.of("oracle", "synthetic")).build();
    }
}
