package org.emomc4j.search;

import org.emomc4j.metrics.Correctness;
import org.emomc4j.util.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class EvaluationCacheTest {

    @TempDir
    Path tmp;

    /** The spread synthetic oracle, counted. */
    private static CountingOracle counting() { return new CountingOracle(SyntheticOracles.spreadPerImage()); }

    private static final String KEY = EvaluationCache.key("sha256 aa", "bf16", "sha256 bb", 200, "none");

    /**
     * The same genome in two searches of different objectives returns the same accuracy, and the
     * second search measures none of the genomes the first one measured.
     */
    @Test
    void twoSearchesShareMeasurements() throws Exception {
        CountingOracle oracle = counting();
        EvaluationCache cache = new EvaluationCache(oracle, KEY, tmp.resolve("cache"));
        SearchRun.Result energy = new SearchRun(SyntheticOracles.config(Objective.ENERGY, 4),
                problem(Objective.ENERGY, cache), tmp.resolve("energy")).run(false, null);
        Map<Genome, Double> first = new HashMap<>();
        for (Evaluation e : energy.evaluations()) first.put(e.genome(), e.accuracy());
        Map<Genome, Integer> callsAfterFirst = new HashMap<>(oracle.calls);

        SearchRun.Result size = new SearchRun(SyntheticOracles.config(Objective.SIZE, 4),
                problem(Objective.SIZE, cache), tmp.resolve("size")).run(false, null);
        int shared = 0;
        for (Evaluation e : size.evaluations()) {
            Double a = first.get(e.genome());
            if (a == null) continue;
            shared++;
            assertEquals(a, e.accuracy(), 0.0, e.genome() + ": the same accuracy in both searches");
            assertEquals(callsAfterFirst.get(e.genome()), oracle.calls.get(e.genome()), e.genome() + " was measured again");
        }
        assertTrue(shared >= 12, "the searches share their seeded initial population; shared " + shared);
        assertTrue(cache.hits() >= shared);
    }

    private static EmomcProblem problem(Objective o, AccuracyOracle a) {
        return new EmomcProblem(RemainingGrid.parse("0.20:0.80:0.01"), SyntheticOracles.LAYERS, 2, 12, o,
                Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, a, SyntheticOracles.cost());
    }

    /** Saved and read back by a new session: no genome is measured again; a slice then the whole costs the rest only. */
    @Test
    void persistsAcrossSessionsAndExtendsSlices() throws Exception {
        Genome g = new Genome(0.5, new int[]{4, 5, 6, 7, 8, 9}), h = new Genome(0.3, new int[]{3, 3, 3, 3, 3, 3});
        CountingOracle first = counting();
        EvaluationCache a = new EvaluationCache(first, KEY, tmp);
        Correctness whole = a.correctness(g);
        Correctness slice = a.correctness(h, 0, 50);
        assertEquals(250, first.images, "200 images of g, 50 of h");
        a.save();
        assertTrue(Files.readString(a.file()).startsWith("emomc4j-eval-cache 1 sha256="));

        CountingOracle second = counting();
        EvaluationCache b = new EvaluationCache(second, KEY, tmp);
        assertEquals(whole, b.correctness(g));
        assertEquals(slice, b.correctness(h, 0, 50));
        assertEquals(0, second.images, "both answered from the file");
        Correctness hAll = b.correctness(h);
        assertEquals(150, second.images, "only h's images 50..199");
        assertEquals(SyntheticOracles.spreadPerImage().correctness(h), hAll, "slice + rest = the whole set scored at once");
    }

    /** Another key (other stage 1, precision or images) never reads the file; a file with another key inside or a flipped byte is refused. */
    @Test
    void anotherKeyNeverHitsAndDamageIsRefused() throws Exception {
        Genome g = new Genome(0.5, new int[]{4, 5, 6, 7, 8, 9});
        EvaluationCache a = new EvaluationCache(counting(), KEY, tmp);
        a.correctness(g);
        a.save();
        String other = EvaluationCache.key("sha256 aa", "fp32", "sha256 bb", 200, "none");
        assertNotEquals(EvaluationCache.fileName(KEY), EvaluationCache.fileName(other));
        CountingOracle c = counting();
        new EvaluationCache(c, other, tmp).correctness(g);
        assertEquals(200, c.images, "a cache of another precision is not read");

        // The file renamed to the other key's name: the key inside it refuses it.
        Files.copy(a.file(), tmp.resolve(EvaluationCache.fileName(other)), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        UserError e = assertThrows(UserError.class, () -> new EvaluationCache(counting(), other, tmp));
        assertTrue(e.getMessage().contains("other inputs"), e.getMessage());

        byte[] bytes = Files.readAllBytes(a.file());
        bytes[bytes.length - 3] ^= 1;
        Files.write(a.file(), bytes);
        e = assertThrows(UserError.class, () -> new EvaluationCache(counting(), KEY, tmp));
        assertTrue(e.getMessage().contains("checksum") && e.getMessage().contains(a.file().toString()), e.getMessage());
    }

    /** An entry claiming more images than the scoring set is refused even with a valid checksum. */
    @Test
    void refusesEntriesBeyondTheScoringSet() throws Exception {
        String body = "key " + KEY + "\ngenome,images,bits\n0.5|4;4;4;4;4;4,300," + Correctness.of(new boolean[300]).encode() + "\n";
        Path f = tmp.resolve(EvaluationCache.fileName(KEY));
        org.emomc4j.util.ChecksummedFile.write(f, EvaluationCache.MAGIC, EvaluationCache.VERSION, body.getBytes());
        UserError e = assertThrows(UserError.class, () -> new EvaluationCache(counting(), KEY, tmp));
        assertTrue(e.getMessage().contains("claims 300 images"), e.getMessage());
    }
}
