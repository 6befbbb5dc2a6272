package org.emomc4j.search;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything that determines a stage-2 run. Two runs with equal configs and equal oracles give
 * equal fronts; {@code --resume} refuses a run directory written with another config.
 *
 * @param dataflow    name of the dataflow the energy objective uses (e.g. XY)
 * @param coding      name of the coding scheme the size objective uses (e.g. csr)
 * @param algorithm   MOEA Framework algorithm name (NSGAII is the reference)
 * @param threads     candidates scored at once (only when the accuracy oracle is thread-safe)
 * @param extra       descriptive settings recorded in summary.json and part of the resume check
 */
public record SearchConfig(Objective objective, String dataflow, String coding, String algorithm,
                           int populationSize, int offspringSize, int generations, long seed,
                           double sizeLimit, double energyLimit, int minBits, int maxBits, int threads,
                           Map<String, Object> extra) {

    public SearchConfig {
        if (populationSize < 2) throw new IllegalArgumentException("--pop must be >= 2, got " + populationSize);
        if (offspringSize < 1) throw new IllegalArgumentException("--offspring must be >= 1, got " + offspringSize);
        if (generations < 0) throw new IllegalArgumentException("--generations must be >= 0, got " + generations);
        if (threads < 1) throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
        extra = extra == null ? Map.of() : Map.copyOf(extra);
    }

    /** The paper's stage-2 settings for an objective (NSGA-II, 40/20, 120 generations, seed 1, bits 2..12). */
    public static SearchConfig reference(Objective objective, String dataflow, String coding) {
        return new SearchConfig(objective, dataflow, coding, "NSGAII", 40, 20, 120, 1,
                Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, 2, 12, 1, Map.of());
    }

    public SearchConfig withBudget(int pop, int offspring, int generations) {
        return new SearchConfig(objective, dataflow, coding, algorithm, pop, offspring, generations, seed,
                sizeLimit, energyLimit, minBits, maxBits, threads, extra);
    }

    public SearchConfig withSeed(long s) {
        return new SearchConfig(objective, dataflow, coding, algorithm, populationSize, offspringSize, generations, s,
                sizeLimit, energyLimit, minBits, maxBits, threads, extra);
    }

    public SearchConfig withAlgorithm(String a) {
        return new SearchConfig(objective, dataflow, coding, a, populationSize, offspringSize, generations, seed,
                sizeLimit, energyLimit, minBits, maxBits, threads, extra);
    }

    /** The same search with more descriptive settings (merged over the existing ones). */
    public SearchConfig withExtra(Map<String, Object> more) {
        Map<String, Object> m = new LinkedHashMap<>(extra);
        m.putAll(more);
        return new SearchConfig(objective, dataflow, coding, algorithm, populationSize, offspringSize, generations, seed,
                sizeLimit, energyLimit, minBits, maxBits, threads, m);
    }

    /** Candidates the algorithm plans to measure: the initial population and every generation's offspring. */
    public int plannedEvaluations() {
        return populationSize + generations * offspringSize;
    }

    public SearchConfig withThreads(int t) {
        return new SearchConfig(objective, dataflow, coding, algorithm, populationSize, offspringSize, generations, seed,
                sizeLimit, energyLimit, minBits, maxBits, t, extra);
    }

    /** As a JSON-friendly map (summary.json; the resume check compares it, less generations and threads). */
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
        m.put("threads", threads);
        m.putAll(new java.util.TreeMap<>(extra));
        return m;
    }

    /** The settings a resumed run must share with the run it continues. */
    String resumeKey() {
        Map<String, Object> m = new LinkedHashMap<>(toMap());
        m.remove("generations");
        m.remove("threads");
        // Runs from before the precision setting scored in fp32: they resume as fp32 runs.
        if ("fp32".equals(m.get("precision"))) m.remove("precision");
        return m.toString();
    }
}
