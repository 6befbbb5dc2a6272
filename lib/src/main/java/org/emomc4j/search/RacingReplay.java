package org.emomc4j.search;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.emomc4j.compress.coding.Coding;
import org.emomc4j.hw.Dataflow;
import org.emomc4j.metrics.Correctness;
import org.emomc4j.metrics.CorrectnessFile;
import org.emomc4j.nn.NetworkSpec;
import org.emomc4j.util.Csv;
import org.emomc4j.util.ResumeKey;
import org.emomc4j.util.RunDirectory;
import org.emomc4j.util.UserError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Replays {@link Racing} on a stored search run without it: the search is run again, live, with
 * racing on, every accuracy answered from the stored per-image correctness ({@code correctness.txt}
 * holds every measured candidate's on all scoring images) and every cost from the cost models, so
 * no network is evaluated and a replay takes seconds. If racing keeps the search (the
 * {@link Racing} guarantee), the replay asks only for genomes the stored search measured and ends
 * with the same {@code front.csv}; if it went elsewhere, it asks for a genome the stored search
 * never measured, and the replay reports the generation where that happened.
 *
 * <p>What it measures: the genomes raced and the scoring images saved (a raced genome costs the
 * slice, any other the whole set), the raced genomes whose stored full count lies above their
 * bound (the confidence event failed: only these can change the search), and whether the front is
 * the stored one. The replay rebuilds the search from its resume key ({@code run-key.json}): it
 * needs a reproduction's search (the key names its profile, whose grid and network give the
 * remaining fractions and the costs).
 */
public final class RacingReplay {
    private RacingReplay() { }

    /**
     * One replay.
     *
     * @param storedCandidates genomes the stored search measured
     * @param candidates       genomes the replay measured (on the slice or in full)
     * @param raced            of them, genomes scored on the slice only
     * @param boundFailed      raced genomes whose stored full count exceeds their upper bound K_U
     * @param sameFront        whether the replay's front.csv is the stored one, byte for byte
     * @param divergedAt       the generation where the replay asked for a genome the stored search never measured (-1: never)
     * @param imagesFull       scoring images the stored search spent (its genomes x N)
     * @param imagesRaced      scoring images the replay spent (raced: the slice; the others: N)
     * @param prepares         networks prepared (a candidate's weights quantized and packed: one per change of
     *                         genome between scoring calls; without racing, one per stored genome)
     */
    public record Result(String search, Racing racing, int scoringImages, int storedCandidates, int candidates, int raced,
                         int boundFailed, boolean sameFront, int frontSize, int divergedAt, long imagesFull, long imagesRaced,
                         long prepares) {
        /** Fraction of scoring images racing saves. */
        public double saved() { return imagesFull == 0 ? 0 : 1 - (double) imagesRaced / imagesFull; }

        /**
         * Fraction of scoring time racing saves when a preparation costs as much as {@code imagesPerPrepare}
         * images (width 1 in bf16 here: 0.26 s against 0.7 ms per image, about 370 images).
         */
        public double timeSaved(double imagesPerPrepare) {
            double without = imagesFull + storedCandidates * imagesPerPrepare, with = imagesRaced + prepares * imagesPerPrepare;
            return without == 0 ? 0 : 1 - with / without;
        }
    }

    /** The replay asked for a genome the stored search never measured: the trajectory left the stored one. */
    private static final class Diverged extends RuntimeException {
        Diverged(Genome g) { super("not measured by the stored search: " + g.key(), null, false, false); }
    }

    /** Keys of a search's resume key that {@link SearchConfig#toMap} writes itself (the others are its extra settings). */
    private static final Set<String> OWN = Set.of("objective", "dataflow", "coding", "algorithm", "population", "offspring",
            "generations", "seed", "size_limit_kB", "energy_limit_mJ", "bits", "initial_population", "racing");

    /**
     * Replays racing on a reproduction's search directory (read only; the replay runs in a
     * temporary directory, deleted after): the grid and the network come from the profile its key names.
     */
    public static Result replay(Path searchDir, Racing racing) throws IOException {
        Map<String, String> settings = storedKey(searchDir).entries();
        String profileName = settings.get("profile");
        if (profileName == null)
            throw new UserError(searchDir + " names no profile in " + RunDirectory.KEY + ": the replay takes the grid and "
                    + "the network from a reproduction's profile");
        Profile profile = Profile.parse(profileName);
        NetworkSpec spec = NetworkSpec.vgg("vgg16", profile.width());
        ReferenceCosts costs = Objective.parse(settings.get("objective")) == Objective.SIZE
                ? new ReferenceCosts(spec, Dataflow.XY, Coding.parse(settings.get("coding")))
                : new ReferenceCosts(spec, Dataflow.parse(settings.get("dataflow")), Coding.DENSE);
        return replay(searchDir, racing, RemainingGrid.parse(profile.grid()), costs, spec.size());
    }

    private static ResumeKey storedKey(Path searchDir) throws IOException {
        Path keyFile = searchDir.resolve(RunDirectory.KEY);
        if (!Files.isRegularFile(keyFile)) throw new UserError(searchDir + " holds no search (no " + keyFile.getFileName() + ")");
        return ResumeKey.fromJson(new ObjectMapper().readTree(keyFile.toFile()), keyFile);
    }

    /**
     * Replays racing on a search directory made on the given grid of remaining fractions, cost
     * models and number of compressible layers.
     */
    public static Result replay(Path searchDir, Racing racing, RemainingGrid grid, CostOracle costs, int layers) throws IOException {
        if (!racing.enabled()) throw new UserError("racing replay needs a slice of at least one image");
        ResumeKey storedKey = storedKey(searchDir);
        Path keyFile = searchDir.resolve(RunDirectory.KEY);
        Map<String, String> settings = storedKey.entries();
        if (settings.containsKey("racing"))
            throw new UserError(searchDir + " is a racing search: replay a search run without racing (its correctness.txt "
                    + "holds every candidate on every image)");
        Map<String, Correctness> stored = CorrectnessFile.read(searchDir.resolve(SearchRun.CORRECTNESS));
        Correctness uncompressed = stored.get(CorrectnessFile.UNCOMPRESSED);
        int total = 0;
        for (Correctness c : stored.values()) total = Math.max(total, c.images());
        if (stored.isEmpty())
            throw new UserError(searchDir + " has no " + SearchRun.CORRECTNESS + " (a search from before per-image results were kept): "
                    + "racing cannot be replayed on it");
        if (racing.sliceImages() >= total)
            throw new UserError("the racing slice (" + racing.sliceImages() + " images) must be smaller than the search's " + total
                    + " scoring images");
        List<SearchRun.Progress> progress = SearchRun.readProgress(searchDir);
        if (progress.isEmpty()) throw new UserError(searchDir + " has no " + SearchRun.PROGRESS + ": nothing to replay");
        SearchConfig plain = config(settings, progress.get(progress.size() - 1).generation());
        plain.resumeKey().requireSameAs(storedKey, keyFile);   // the rebuilt search is the stored one
        SearchConfig raced = plain.toBuilder().racing(racing).build();

        Set<String> storedGenomes = new HashSet<>();
        for (String[] r : Csv.readRows(searchDir.resolve(SearchRun.EVALUATIONS))) storedGenomes.add(r[1]);
        for (String g : storedGenomes) {
            Correctness c = stored.get(g);
            if (c == null || c.images() != total)
                throw new UserError(searchDir + ": " + g + " has no correctness on all " + total + " images in "
                        + SearchRun.CORRECTNESS + "; the replay needs every candidate's");
        }
        int n = total;
        long[] prepares = {0};
        Genome[] last = {null};
        AccuracyOracle oracle = new AccuracyOracle() {
            @Override public double accuracy(Genome g) { return correctness(g).accuracy(); }

            /** Counts network preparations as CheckpointAccuracy makes them: one per change of genome. */
            private Correctness fetch(Genome g) {
                Correctness c = stored.get(SearchRun.csvKey(g));
                if (c == null) throw new Diverged(g);
                if (!g.equals(last[0])) prepares[0]++;
                last[0] = g;
                return c;
            }

            @Override public Correctness correctness(Genome g) { return fetch(g); }

            @Override public Correctness correctness(Genome g, int from, int to) {
                Correctness c = fetch(g);
                return from == 0 && to == c.images() ? c : from == 0 ? c.prefix(to) : AccuracyOracle.super.correctness(g, from, to);
            }

            @Override public Correctness uncompressedCorrectness() { return uncompressed; }

            @Override public int imageCount() { return n; }
        };
        EmomcProblem problem = EmomcProblem.of(raced, grid, layers, oracle, costs);
        Path tmp = Files.createTempDirectory("racing-replay");
        int[] generation = {-1};
        try {
            SearchRun run = new SearchRun(raced, problem, tmp.resolve("search"));
            int divergedAt = -1;
            try {
                run.run(false, p -> generation[0] = p.generation());
            } catch (RuntimeException e) {
                Throwable c = e;
                while (c != null && !(c instanceof Diverged)) c = c.getCause();
                if (c == null) throw e;
                divergedAt = generation[0] + 1;
            }
            Map<String, Boolean> measured = new LinkedHashMap<>();   // genome -> raced (a later full row wins)
            Path evals = tmp.resolve("search").resolve(SearchRun.EVALUATIONS);
            if (Files.exists(evals))
                for (String[] r : Csv.readRows(evals)) measured.merge(r[1], r[8].equals("1"), Boolean::logicalAnd);
            int racedCount = 0, boundFailed = 0;
            long imagesRaced = 0;
            for (Map.Entry<String, Boolean> e : measured.entrySet()) {
                if (!e.getValue()) {
                    imagesRaced += total;
                    continue;
                }
                racedCount++;
                imagesRaced += racing.sliceImages();
                Correctness full = stored.get(e.getKey());
                int k = full.prefix(racing.sliceImages()).count();
                if (full.count() > Racing.upperCount(k, racing.sliceImages(), total, racing.alpha())) boundFailed++;
            }
            Path front = tmp.resolve("search").resolve(SearchRun.FRONT);
            boolean same = divergedAt < 0 && Files.exists(front)
                    && Files.readString(front).equals(Files.readString(searchDir.resolve(SearchRun.FRONT)));
            return new Result(searchDir.getFileName().toString(), racing, total, storedGenomes.size(), measured.size(), racedCount,
                    boundFailed, same, Csv.readRows(searchDir.resolve(SearchRun.FRONT)).size(), divergedAt,
                    (long) storedGenomes.size() * total, imagesRaced, prepares[0]);
        } finally {
            deleteTree(tmp);
        }
    }

    /** The stored search's configuration, from its resume key (checked against the key by the caller). */
    static SearchConfig config(Map<String, String> s, int generations) {
        if (!"NSGAII".equals(s.get("algorithm")))
            throw new UserError("racing is defined on NSGA-II's survival; the stored search is " + s.get("algorithm"));
        String[] bits = s.getOrDefault("bits", "2..12").split("\\.\\.");
        Map<String, Object> extra = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : s.entrySet()) if (!OWN.contains(e.getKey())) extra.put(e.getKey(), e.getValue());
        return SearchConfig.builder(Objective.parse(s.get("objective"))).dataflow(s.get("dataflow")).coding(s.get("coding"))
                .algorithm(s.get("algorithm"))
                .budget(Integer.parseInt(s.get("population")), Integer.parseInt(s.get("offspring")), generations)
                .seed(Long.parseLong(s.get("seed"))).sizeLimit(limit(s.get("size_limit_kB"))).energyLimit(limit(s.get("energy_limit_mJ")))
                .bits(Integer.parseInt(bits[0]), Integer.parseInt(bits[1])).seedCorner(s.containsKey("initial_population"))
                .extra(extra).build();
    }

    private static Double limit(String text) {
        return text == null || text.equals("null") || text.isBlank() ? null : Double.parseDouble(text);
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) return;
        try (var walk = Files.walk(root)) {
            for (Iterator<Path> it = walk.sorted(java.util.Comparator.reverseOrder()).iterator(); it.hasNext(); ) Files.delete(it.next());
        }
    }
}
