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
