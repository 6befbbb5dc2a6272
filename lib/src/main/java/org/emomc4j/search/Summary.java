package org.emomc4j.search;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.emomc4j.metrics.Gains;
import org.emomc4j.util.AtomicFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The end of a stage-2 run: the front re-scored on the test split and {@code summary.json} with
 * the configuration, versions, seeds, wall times and the paper's Table II/III figures (best
 * energy and size gains at <= 0.3 % and <= 1 % test-accuracy loss against the uncompressed
 * baseline).
 */
public final class Summary {
    private Summary() { }

    public static final String FILE = "summary.json";
    /** The front's and the uncompressed network's per-image correctness on the test images ({@code metrics.CorrectnessFile}). */
    public static final String TEST_CORRECTNESS = "test-correctness.txt";

    /** The test-split per-image correctness recorded in a search directory, by genome key ({@link SearchRun#csvKey}); empty when none. */
    public static Map<String, org.emomc4j.metrics.Correctness> readTestCorrectness(Path runDir) throws IOException {
        return org.emomc4j.metrics.CorrectnessFile.read(runDir.resolve(TEST_CORRECTNESS));
    }

    /** The baseline the gains are measured against. */
    public record Baseline(double testAccuracy, double energyMilliJoules, double sizeKiB) { }

    /** A front member with both accuracies. */
    public record Member(Genome genome, double valAccuracy, double testAccuracy, double energyMilliJoules, double sizeKiB) {
        public Evaluation asTestEvaluation() { return new Evaluation(genome, testAccuracy, energyMilliJoules, sizeKiB, 0); }
    }

    /** Re-scores a front on the test split. */
    public static List<Member> rescore(List<Evaluation> front, AccuracyOracle test) {
        // Scored in order of r (each r is one stage-1 network, which the oracle loads), listed in the front's order.
        Map<Genome, Double> acc = new java.util.HashMap<>();
        if (test != null) {
            List<Evaluation> byR = new ArrayList<>(front);
            byR.sort(java.util.Comparator.comparingDouble(e -> e.genome().remaining()));
            for (Evaluation e : byR) acc.computeIfAbsent(e.genome(), test::accuracy);
        }
        List<Member> out = new ArrayList<>();
        for (Evaluation e : front)
            out.add(new Member(e.genome(), e.accuracy(), test == null ? Double.NaN : acc.get(e.genome()), e.energyMilliJoules(), e.sizeKiB()));
        return out;
    }

    /** Writes summary.json and returns its content as a map. */
    public static Map<String, Object> write(Path runDir, SearchConfig config, SearchRun.Result result, List<Member> front,
                                            Baseline baseline, double[] hvReference, double testSeconds) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("config", config.toMap());
        m.put("versions", versions());
        m.put("seeds", Map.of("search", config.seed()));
        m.put("wall_time_s", Map.of("search", result.seconds(), "test_rescore", testSeconds));
        m.put("evaluations", result.evaluations().size());
        m.put("hypervolume_reference", hvReference);
        m.put("final_hypervolume", result.progress().isEmpty() ? 0 : result.progress().get(result.progress().size() - 1).hypervolume());
        m.put("baseline", Map.of("test_accuracy", baseline.testAccuracy(), "energy_mJ", baseline.energyMilliJoules(),
                "size_kB", baseline.sizeKiB(), "size_rule", "dense 32-bit network (the paper's Table III rule)"));
        List<Evaluation> test = front.stream().map(Member::asTestEvaluation).toList();
        Map<String, Object> gains = new LinkedHashMap<>();
        gains.put("energy", gains(test, Evaluation::energyMilliJoules, baseline.energyMilliJoules(), baseline.testAccuracy(), "energy_mJ"));
        gains.put("size", gains(test, Evaluation::sizeKiB, baseline.sizeKiB(), baseline.testAccuracy(), "size_kB"));
        m.put("gains", gains);
        List<Map<String, Object>> f = new ArrayList<>();
        for (Member x : front) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("remaining", x.genome().remaining());
            row.put("bits", x.genome().bits());
            row.put("val_accuracy", x.valAccuracy());
            row.put("test_accuracy", nan(x.testAccuracy()));
            row.put("energy_mJ", x.energyMilliJoules());
            row.put("size_kB", x.sizeKiB());
            f.add(row);
        }
        m.put("front", f);
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        AtomicFiles.writeString(runDir.resolve(FILE), json.writeValueAsString(m));
        return m;
    }

    private static Map<String, Object> gains(List<Evaluation> test, java.util.function.ToDoubleFunction<Evaluation> cost, double base,
                                             double baseAccuracy, String costName) {
        Map<String, Object> g = new LinkedHashMap<>();
        for (double loss : Gains.PAPER_LOSSES) {
            double[] b = Gains.best(test, Evaluation::accuracy, cost, baseAccuracy, base, loss);
            Map<String, Object> x = new LinkedHashMap<>();
            x.put(costName, nan(b[0]));
            x.put("gain", nan(b[1]));
            x.put("test_accuracy", nan(b[2]));
            g.put("loss<=" + (loss * 100) + "%", x);
        }
        return g;
    }

    private static Object nan(double v) { return Double.isNaN(v) ? null : v; }

    /** The front recorded in a search directory's summary.json (test accuracy NaN when not re-scored). */
    public static List<Member> readFront(Path runDir) throws IOException {
        com.fasterxml.jackson.databind.JsonNode root = new ObjectMapper().readTree(runDir.resolve(FILE).toFile());
        List<Member> out = new ArrayList<>();
        for (com.fasterxml.jackson.databind.JsonNode row : root.path("front")) {
            int[] bits = new int[row.path("bits").size()];
            for (int i = 0; i < bits.length; i++) bits[i] = row.path("bits").get(i).asInt();
            out.add(new Member(new Genome(row.path("remaining").asDouble(), bits), row.path("val_accuracy").asDouble(),
                    row.path("test_accuracy").isNumber() ? row.path("test_accuracy").asDouble() : Double.NaN,
                    row.path("energy_mJ").asDouble(), row.path("size_kB").asDouble()));
        }
        return out;
    }

    /** The baseline recorded in a search directory's summary.json. */
    public static Baseline readBaseline(Path runDir) throws IOException {
        com.fasterxml.jackson.databind.JsonNode b = new ObjectMapper().readTree(runDir.resolve(FILE).toFile()).path("baseline");
        return new Baseline(b.path("test_accuracy").asDouble(), b.path("energy_mJ").asDouble(), b.path("size_kB").asDouble());
    }

    /** The search's own wall time (seconds, without the test re-scoring) recorded in a search directory's summary.json. */
    public static double readSearchSeconds(Path runDir) throws IOException {
        return new ObjectMapper().readTree(runDir.resolve(FILE).toFile()).path("wall_time_s").path("search").asDouble(Double.NaN);
    }

    /** Versions of the toolkit and of what it stands on. */
    public static Map<String, String> versions() {
        Map<String, String> v = new LinkedHashMap<>();
        String own = Summary.class.getPackage().getImplementationVersion();
        v.put("emomc4j", own == null ? "0.1.0-SNAPSHOT" : own);
        v.put("java", System.getProperty("java.version"));
        v.put("moeaframework", pkgVersion(org.moeaframework.core.Solution.class, "5.0"));
        v.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        return v;
    }

    private static String pkgVersion(Class<?> c, String fallback) {
        String v = c.getPackage().getImplementationVersion();
        return v == null ? fallback : v;
    }
}
