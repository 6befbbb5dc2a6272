package org.emomc4j.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The reproduction's shared evaluation cache, racing and wall times, on the tiny profile and synthetic data. */
class ReproduceCacheTest {

    @TempDir
    Path tmp;

    @Test
    void sevenSearchesShareOneCacheAndRecordTheirTimes() throws Exception {
        Path data = ExperimentTest.smallCifar(tmp.resolve("cifar"));
        Path out = tmp.resolve("run");
        Profile racing = ExperimentTest.TINY.withRacing(new Racing(16, 0.2));
        List<String> log = new ArrayList<>();
        Reproduce.run(new Reproduce.Options(racing, out, data, 1), log::add);
        RunLayout layout = new RunLayout(out);

        // The plan comes first; the cache answered requests of later searches (their generation 0 is the first one's).
        assertTrue(log.get(1).startsWith("plan (tiny, worst case"), log.get(1));
        String cacheLine = log.stream().filter(l -> l.startsWith("stage 2: shared evaluation cache")).findFirst().orElseThrow();
        int evaluations = 0, genomes;
        for (Path d : List.of(layout.energySearch(org.emomc4j.hw.Dataflow.XY), layout.sizeSearch(org.emomc4j.compress.coding.Coding.COO)))
            assertTrue(Files.readString(d.resolve(SearchRun.EVALUATIONS)).startsWith("generation,genome,remaining,bits,accuracy,energy_mJ,size_kB,seconds,raced\n"));
        try (var dirs = Files.list(layout.root().resolve("search"))) {
            for (Path d : dirs.toList()) evaluations += SearchRun.readCsv(d.resolve(SearchRun.EVALUATIONS)).size();
        }
        try (var files = Files.list(layout.stage2CacheDir())) {
            List<Path> f = files.toList();
            assertEquals(1, f.size());
            genomes = Files.readAllLines(f.get(0)).size() - 3;
        }
        assertTrue(genomes < evaluations, genomes + " genomes measured for " + evaluations + " evaluations: " + cacheLine);

        JsonNode w = new ObjectMapper().readTree(layout.reproduceJson().toFile()).path("wall_time_s");
        double sum = 0;
        for (String s : List.of("energy-XY", "energy-ICOC", "energy-FXFY", "energy-XFX", "size-dense", "size-csr", "size-coo")) {
            assertTrue(w.path("stage2/" + s).asDouble(-1) > 0, s);
            sum += w.path("stage2/" + s).asDouble();
        }
        assertEquals(sum, w.path("stage2").asDouble(), 1e-9);
        assertTrue(w.path("baseline").asDouble() > 0 && w.path("stage1").asDouble() > 0, w.toString());

        // A second run finds it finished and computes nothing; the cache and the times are kept.
        List<String> again = new ArrayList<>();
        Reproduce.run(new Reproduce.Options(racing, out, data, 1), again::add);
        assertTrue(again.get(0).contains("has finished: nothing to compute"), again.get(0));
        assertEquals(w, new ObjectMapper().readTree(layout.reproduceJson().toFile()).path("wall_time_s"));
    }
}
