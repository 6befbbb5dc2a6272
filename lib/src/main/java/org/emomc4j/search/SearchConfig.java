package org.emomc4j.search;

import org.emomc4j.util.ResumeKey;
import org.emomc4j.util.UserError;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything that determines a stage-2 run (the paper's evolutionary search over genomes
 * [r, q0..q13]). Two runs with equal configs and equal oracles give equal fronts; {@code --resume}
 * refuses a run directory written with another config. Every check of the settings happens here,
 * where the configuration is built, so a bad value is refused before any data is loaded.
 *
 * @param dataflow    name of the dataflow the energy objective uses (e.g. XY)
 * @param coding      name of the coding scheme the size objective uses (e.g. csr)
 * @param algorithm   stage-2 algorithm: one of {@link SearchAlgorithms#OFFERED} (NSGAII is the reference)
 * @param minBits     smallest weight bit-width a genome may use (the paper: 2)
 * @param maxBits     largest weight bit-width a genome may use (the paper: 12)
 * @param seedCorner  seed the initial population with the least-compressed corner ({@link CornerInitialization};
 *                    ours, on for the profiles, off in the reference settings)
 * @param extra       descriptive settings recorded in summary.json and part of the resume check
 * @param racing      candidates scored on a slice first ({@link Racing}; {@link Racing#OFF}: the paper's full scoring)
 */
public record SearchConfig(Objective objective, String dataflow, String coding, String algorithm,
                           int populationSize, int offspringSize, int generations, long seed,
                           double sizeLimit, double energyLimit, int minBits, int maxBits, boolean seedCorner,
                           Map<String, Object> extra, Racing racing) {

    /** summary.json's and the resume key's record of a seeded start (absent: the reference's random start). */
    public static final String SEEDED = "random, first member the least-compressed corner (r max, 8 bits)";

    /** The paper's bit-width range. */
    public static final int PAPER_MIN_BITS = 2, PAPER_MAX_BITS = 12;
    /**
     * The widest range a genome may take: symmetric uniform quantization needs at least 2 bits
     * (one level per side and zero) and stores codes in an int.
     */
    public static final int BITS_FLOOR = 2, BITS_CEILING = 32;

    public SearchConfig {
        if (objective == null) throw new UserError("an objective is needed (energy, size or both)");
        if (populationSize < 2) throw new UserError("--pop must be >= 2, got " + populationSize);
        if (offspringSize < 1) throw new UserError("--offspring must be >= 1, got " + offspringSize);
        if (generations < 0) throw new UserError("--generations must be >= 0, got " + generations);
        checkBits(minBits, maxBits);
        if (!(sizeLimit > 0)) throw new UserError("--size-limit must be > 0 KiB, got " + sizeLimit);
        if (!(energyLimit > 0)) throw new UserError("--energy-limit must be > 0 mJ, got " + energyLimit);
        algorithm = SearchAlgorithms.canonical(algorithm);
        extra = extra == null ? Map.of() : Map.copyOf(extra);
        if (racing == null) racing = Racing.OFF;
        if (racing.enabled() && !algorithm.equals("NSGAII"))
            throw new UserError("racing is defined on NSGA-II's survival (Racing); the " + algorithm + " search scores every "
                    + "candidate in full: use --racing off with --algorithm " + algorithm);
    }

    /** Refuses a bit-width range outside {@value #BITS_FLOOR}..{@value #BITS_CEILING} or with min > max. */
    public static void checkBits(int minBits, int maxBits) {
        if (minBits < BITS_FLOOR || maxBits > BITS_CEILING || minBits > maxBits)
            throw new UserError("bit-width range " + minBits + ":" + maxBits + " is not allowed: use MIN:MAX with "
                    + BITS_FLOOR + " <= MIN <= MAX <= " + BITS_CEILING + " (symmetric quantization needs at least "
                    + BITS_FLOOR + " bits; the paper uses " + PAPER_MIN_BITS + ":" + PAPER_MAX_BITS + ")");
    }

    /** Parses {@code MIN:MAX} (e.g. 2:12) and checks it. */
    public static int[] parseBits(String text) {
        String[] b = text == null ? new String[0] : text.split(":");
        try {
            if (b.length == 2) {
                int lo = Integer.parseInt(b[0].trim()), hi = Integer.parseInt(b[1].trim());
                checkBits(lo, hi);
                return new int[]{lo, hi};
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new UserError("--bits must be MIN:MAX such as " + PAPER_MIN_BITS + ":" + PAPER_MAX_BITS + ", got '" + text + "'");
    }

    /** The paper's stage-2 settings for an objective (NSGA-II, 40/20, 120 generations, seed 1, bits 2..12). */
    public static SearchConfig reference(Objective objective, String dataflow, String coding) {
        return builder(objective).dataflow(dataflow).coding(coding).build();
    }

    /** A builder with the paper's settings for an objective, to change one at a time. */
    public static Builder builder(Objective objective) { return new Builder(objective); }

    /** A builder holding this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder(objective);
        b.dataflow = dataflow;
        b.coding = coding;
        b.algorithm = algorithm;
        b.pop = populationSize;
        b.offspring = offspringSize;
        b.generations = generations;
        b.seed = seed;
        b.sizeLimit = sizeLimit;
        b.energyLimit = energyLimit;
        b.minBits = minBits;
        b.maxBits = maxBits;
        b.seedCorner = seedCorner;
        b.extra = new LinkedHashMap<>(extra);
        b.racing = racing;
        return b;
    }

    public SearchConfig withBudget(int pop, int offspring, int generations) {
        return toBuilder().budget(pop, offspring, generations).build();
    }

    public SearchConfig withSeed(long s) { return toBuilder().seed(s).build(); }

    public SearchConfig withAlgorithm(String a) { return toBuilder().algorithm(a).build(); }

    /** The same search with more descriptive settings (merged over the existing ones). */
    public SearchConfig withExtra(Map<String, Object> more) { return toBuilder().extra(more).build(); }

    /** Candidates the algorithm plans to measure: the initial population and every generation's offspring. */
    public int plannedEvaluations() {
        return populationSize + generations * offspringSize;
    }

    /** Evaluations after a generation: the initial population (generation 0), then offspring per generation. */
    public int evaluationsAfter(int generation) {
        return populationSize + generation * offspringSize;
    }

    /** As a JSON-friendly map (summary.json). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("objective", objective.name().toLowerCase());
        m.put("dataflow", dataflow);
        m.put("coding", coding);
        m.put("algorithm", algorithm);
        m.put("population", populationSize);
        m.put("offspring", offspringSize);
        m.put("generations", generations);
        m.put("seed", seed);
        m.put("size_limit_kB", Double.isInfinite(sizeLimit) ? null : sizeLimit);
        m.put("energy_limit_mJ", Double.isInfinite(energyLimit) ? null : energyLimit);
        m.put("bits", minBits + ".." + maxBits);
        // Only when seeded: the key of an unseeded search stays that of runs made before seeding existed.
        if (seedCorner) m.put("initial_population", SEEDED);
        // Only when on: the key of a search without racing stays that of runs made before racing existed.
        if (racing.enabled()) m.put("racing", racing.describe());
        m.putAll(new java.util.TreeMap<>(extra));
        return m;
    }

    /** The settings a resumed run must share with the run it continues (all but the generation count, which may grow). */
    public ResumeKey resumeKey() {
        Map<String, Object> m = new LinkedHashMap<>(toMap());
        m.remove("generations");
        return ResumeKey.of("search", m);
    }

    /** Builds a {@link SearchConfig}; starts from the paper's settings. */
    public static final class Builder {
        private final Objective objective;
        private String dataflow = "XY", coding = "dense", algorithm = "NSGAII";
        private int pop = 40, offspring = 20, generations = 120, minBits = PAPER_MIN_BITS, maxBits = PAPER_MAX_BITS;
        private long seed = 1;
        private double sizeLimit = Double.POSITIVE_INFINITY, energyLimit = Double.POSITIVE_INFINITY;
        private boolean seedCorner;
        private Map<String, Object> extra = new LinkedHashMap<>();
        private Racing racing = Racing.OFF;

        private Builder(Objective objective) { this.objective = objective; }

        public Builder dataflow(String d) { dataflow = d; return this; }

        public Builder coding(String c) { coding = c; return this; }

        public Builder algorithm(String a) { algorithm = a; return this; }

        public Builder budget(int population, int offspringPerGeneration, int generationCount) {
            pop = population;
            offspring = offspringPerGeneration;
            generations = generationCount;
            return this;
        }

        public Builder generations(int g) { generations = g; return this; }

        public Builder seed(long s) { seed = s; return this; }

        /** KiB limit in energy mode (+inf or null for none). */
        public Builder sizeLimit(Double kib) { sizeLimit = kib == null ? Double.POSITIVE_INFINITY : kib; return this; }

        /** mJ limit in size mode (+inf or null for none). */
        public Builder energyLimit(Double mj) { energyLimit = mj == null ? Double.POSITIVE_INFINITY : mj; return this; }

        public Builder bits(int min, int max) { minBits = min; maxBits = max; return this; }

        /** Seed the initial population with the least-compressed corner ({@link CornerInitialization}). */
        public Builder seedCorner(boolean seed) { seedCorner = seed; return this; }

        /** Adds descriptive settings (merged over those already set). */
        public Builder extra(Map<String, ?> more) { extra.putAll(more); return this; }

        /** Races candidates ({@link Racing}; default off). */
        public Builder racing(Racing r) { racing = r; return this; }

        public SearchConfig build() {
            return new SearchConfig(objective, dataflow, coding, algorithm, pop, offspring, generations, seed, sizeLimit,
                    energyLimit, minBits, maxBits, seedCorner, extra, racing);
        }
    }
}
