package org.emomc4j.search;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.emomc4j.metrics.Correctness;
import org.emomc4j.metrics.CorrectnessFile;
import org.emomc4j.util.Csv;
import org.emomc4j.util.UserError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Replays {@link Racing} offline on a stored search: a search directory whose
 * {@code correctness.txt} holds every measured candidate's per-image correctness on all scoring
 * images (a search run without racing) says, for each candidate in the order the search measured
 * it, whether the rule would have raced it, against the archive frozen at the start of its
 * generation (the fully scored, not raced candidates of the earlier generations, as the live rule).
 *
 * <p>What it measures: the candidates raced and the scoring images saved; the raced candidates
 * whose full point the frozen archive does <em>not</em> dominate (the rule's confidence event
 * failed: these are the only wrong decisions); and whether racing would have changed the front:
 * a raced candidate that is a member of the stored front ({@code front.csv}), or of the
 * non-dominated set of every fully scored candidate of the search. What it cannot measure: a raced
 * candidate enters the live search with its slice accuracy, which may steer later generations
 * elsewhere; the replay follows the stored trajectory.
 */
public final class RacingReplay {
    private RacingReplay() { }

    /**
     * One replay.
     *
     * @param candidates     candidates of generations with a non-empty archive plus generation 0 (all replayed)
     * @param raced          raced by the rule
     * @param wronglyRaced   raced although the frozen archive does not dominate their full point
     * @param frontRaced     members of the stored front.csv the rule would have raced
     * @param archiveRaced   members of the non-dominated set of all candidates the rule would have raced
     * @param imagesFull     scoring images without racing (candidates x N)
     * @param imagesRaced    scoring images with racing (raced: the slice; others: N)
     * @param notReplayable  candidates stored without full correctness (skipped)
     */
    public record Result(String search, Racing racing, int scoringImages, int candidates, int raced, int wronglyRaced, int frontRaced,
                         int frontSize, int archiveRaced, int archiveSize, long imagesFull, long imagesRaced, int notReplayable) {
        /** Fraction of scoring images racing saves. */
        public double saved() { return imagesFull == 0 ? 0 : 1 - (double) imagesRaced / imagesFull; }

        /** Whether racing would have changed the stored front or the archive's non-dominated set. */
        public boolean changedFront() { return frontRaced > 0 || archiveRaced > 0; }
    }

    private record Row(int generation, Genome genome, double energy, double size, Correctness correct) { }

    /** Replays the rule on a search directory (read only). */
    public static Result replay(Path searchDir, Racing racing) throws IOException {
        if (!racing.enabled()) throw new UserError("racing replay needs a slice of at least one image");
        Path keyFile = searchDir.resolve(org.emomc4j.util.RunDirectory.KEY);
        if (!Files.isRegularFile(keyFile)) throw new UserError(searchDir + " holds no search (no " + keyFile.getFileName() + ")");
        var settings = new ObjectMapper().readTree(keyFile.toFile()).path("settings");
        Objective objective = Objective.parse(settings.path("objective").asText("energy"));
        double sizeLimit = limit(settings.path("size_limit_kB").asText("null")), energyLimit = limit(settings.path("energy_limit_mJ").asText("null"));
        Map<String, Correctness> stored = CorrectnessFile.read(searchDir.resolve(SearchRun.CORRECTNESS));
        if (stored.isEmpty())
            throw new UserError(searchDir + " has no " + SearchRun.CORRECTNESS + " (a search from before per-image results were kept): "
                    + "racing cannot be replayed on it");
        int n = 0;
        for (Map.Entry<String, Correctness> e : stored.entrySet()) n = Math.max(n, e.getValue().images());
        if (racing.sliceImages() >= n)
            throw new UserError("the racing slice (" + racing.sliceImages() + " images) must be smaller than the search's " + n + " scoring images");
        TreeMap<Integer, List<Row>> byGeneration = new TreeMap<>();
        int notReplayable = 0;
        for (String[] r : Csv.readRows(searchDir.resolve(SearchRun.EVALUATIONS))) {
            Correctness c = stored.get(r[1]);
            if (c == null || c.images() != n || (r.length > 8 && r[8].equals("1"))) {
                notReplayable++;
                continue;
            }
            byGeneration.computeIfAbsent(Integer.parseInt(r[0]), g -> new ArrayList<>())
                    .add(new Row(Integer.parseInt(r[0]), Genome.parse(r[1].replace(';', ',')), Double.parseDouble(r[5]),
                            Double.parseDouble(r[6]), c));
        }
        List<double[]> archive = List.of();
        List<double[]> fullPoints = new ArrayList<>();
        Set<Genome> racedGenomes = new HashSet<>();
        int candidates = 0, raced = 0, wrong = 0;
        long imagesFull = 0, imagesRaced = 0;
        List<double[]> admitted = new ArrayList<>();
        List<Row> all = new ArrayList<>();
        for (List<Row> generation : byGeneration.values()) {
            archive = Racing.nonDominated(concat(archive, admitted));
            admitted = new ArrayList<>();
            for (Row row : generation) {
                candidates++;
                all.add(row);
                imagesFull += n;
                double[] full = Racing.point(objective, row.correct().accuracy(), row.energy(), row.size());
                boolean feasible = Racing.feasible(objective, row.energy(), row.size(), sizeLimit, energyLimit);
                Correctness slice = row.correct().prefix(racing.sliceImages());
                double optimistic = Racing.optimisticAccuracy(slice.count(), racing.sliceImages(), n, racing.alpha());
                if (!archive.isEmpty() && Racing.dominated(Racing.point(objective, optimistic, row.energy(), row.size()), archive)) {
                    raced++;
                    racedGenomes.add(row.genome());
                    imagesRaced += racing.sliceImages();
                    if (!Racing.dominated(full, archive)) wrong++;
                } else {
                    imagesRaced += n;
                    if (feasible) admitted.add(full);
                }
                if (feasible) fullPoints.add(full);
            }
        }
        // The non-dominated set of every feasible candidate scored in full: does racing remove a member?
        List<double[]> allFront = Racing.nonDominated(fullPoints);
        int archiveRaced = 0;
        for (Row row : all) {
            if (!racedGenomes.contains(row.genome()) || !Racing.feasible(objective, row.energy(), row.size(), sizeLimit, energyLimit)) continue;
            double[] p = Racing.point(objective, row.correct().accuracy(), row.energy(), row.size());
            for (double[] q : allFront) if (java.util.Arrays.equals(p, q)) { archiveRaced++; break; }
        }
        int frontRaced = 0, frontSize = 0;
        for (String[] r : Csv.readRows(searchDir.resolve(SearchRun.FRONT))) {
            frontSize++;
            if (racedGenomes.contains(Genome.parse(r[0].replace(';', ',')))) frontRaced++;
        }
        return new Result(searchDir.getFileName().toString(), racing, n, candidates, raced, wrong, frontRaced, frontSize, archiveRaced,
                allFront.size(), imagesFull, imagesRaced, notReplayable);
    }

    private static List<double[]> concat(List<double[]> a, List<double[]> b) {
        List<double[]> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static double limit(String text) {
        return text.equals("null") || text.isBlank() ? Double.POSITIVE_INFINITY : Double.parseDouble(text);
    }
}
