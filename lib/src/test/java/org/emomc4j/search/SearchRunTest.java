package org.emomc4j.search;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moeaframework.core.PRNG;
import org.moeaframework.core.Solution;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class SearchRunTest {

    @TempDir
    Path tmp;

    private static boolean dominates(Evaluation a, Evaluation b, Objective o) {
        double[] x = values(a, o), y = values(b, o);
        boolean strictly = false;
        for (int i = 0; i < x.length; i++) {
            if (x[i] > y[i]) return false;
            if (x[i] < y[i]) strictly = true;
        }
        return strictly;
    }

    private static double[] values(Evaluation e, Objective o) {
        return switch (o) {
            case ENERGY -> new double[]{1 - e.accuracy(), e.energyMilliJoules()};
            case SIZE -> new double[]{1 - e.accuracy(), e.sizeKiB()};
            case BOTH -> new double[]{1 - e.accuracy(), e.energyMilliJoules(), e.sizeKiB()};
        };
    }

    private static void assertMutuallyNondominated(List<Evaluation> front, Objective o) {
        assertFalse(front.isEmpty());
        for (Evaluation a : front)
            for (Evaluation b : front)
                assertFalse(dominates(a, b, o), a + " dominates " + b);
    }

    @Test
    void hypervolumeImprovesAndFrontsAreNondominated() throws Exception {
        for (Objective o : Objective.values()) {
            SearchRun run = new SearchRun(SyntheticOracles.config(o, 15), SyntheticOracles.problem(o), tmp.resolve(o.name()));
            SearchRun.Result r = run.run(false, null);
            assertEquals(16, r.progress().size());
            double first = r.progress().get(0).hypervolume(), last = r.progress().get(15).hypervolume();
            assertTrue(last > first, o + ": hypervolume " + first + " -> " + last);
            assertMutuallyNondominated(r.front(), o);
            // The files say the same as the result.
            assertEquals(r.front().size(), SearchRun.readCsv(tmp.resolve(o.name()).resolve(SearchRun.FRONT)).size());
            assertEquals(16, SearchRun.readCsv(tmp.resolve(o.name()).resolve(SearchRun.PROGRESS)).size());
            assertEquals(r.evaluations().size(), SearchRun.readCsv(tmp.resolve(o.name()).resolve(SearchRun.EVALUATIONS)).size());
        }
    }

    @Test
    void resumeEqualsUninterrupted() throws Exception {
        Objective o = Objective.ENERGY;
        SearchRun.Result full = new SearchRun(SyntheticOracles.config(o, 8), SyntheticOracles.problem(o), tmp.resolve("full")).run(false, null);

        // Interrupted after generation 3; a kill after generation 4's CSVs but before its state is simulated
        // by putting generation 3's state back beside generation 4's files.
        Path part = tmp.resolve("part");
        new SearchRun(SyntheticOracles.config(o, 3), SyntheticOracles.problem(o), part).run(false, null);
        Path saved = tmp.resolve("state-g3");
        Files.copy(part.resolve(SearchRun.STATE), saved);
        new SearchRun(SyntheticOracles.config(o, 4), SyntheticOracles.problem(o), part).run(true, null);
        Files.copy(saved, part.resolve(SearchRun.STATE), StandardCopyOption.REPLACE_EXISTING);
        SearchRun.Result resumed = new SearchRun(SyntheticOracles.config(o, 8), SyntheticOracles.problem(o), part).run(true, null);

        assertEquals(full.front().stream().map(SearchRunTest::withoutTime).toList(),
                resumed.front().stream().map(SearchRunTest::withoutTime).toList());
        assertEquals(Files.readString(tmp.resolve("full").resolve(SearchRun.FRONT)), Files.readString(part.resolve(SearchRun.FRONT)));
        assertEquals(full.progress().size(), resumed.progress().size());
        for (int g = 0; g < full.progress().size(); g++)
            assertEquals(full.progress().get(g).hypervolume(), resumed.progress().get(g).hypervolume(), 0.0, "generation " + g);
        assertEquals(SearchRun.readCsv(tmp.resolve("full").resolve(SearchRun.EVALUATIONS)).size(),
                SearchRun.readCsv(part.resolve(SearchRun.EVALUATIONS)).size(), "no evaluation lost or written twice");
    }

    private static Evaluation withoutTime(Evaluation e) {
        return new Evaluation(e.genome(), e.accuracy(), e.energyMilliJoules(), e.sizeKiB(), 0);
    }

    @Test
    void resumeRefusesAnotherConfigurationAndFreshRunRefusesExistingRun() throws Exception {
        Objective o = Objective.SIZE;
        Path dir = tmp.resolve("r");
        new SearchRun(SyntheticOracles.config(o, 1), SyntheticOracles.problem(o), dir).run(false, null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SearchRun(SyntheticOracles.config(o, 2), SyntheticOracles.problem(o), dir).run(false, null));
        assertTrue(e.getMessage().contains("--resume"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new SearchRun(SyntheticOracles.config(o, 2).withSeed(99), SyntheticOracles.problem(o), dir).run(true, null));
        assertTrue(e.getMessage().contains("seed: 7 in the run, 99 now"), e.getMessage());
    }

    @Test
    void corruptStateIsRefused() throws Exception {
        Objective o = Objective.ENERGY;
        Path dir = tmp.resolve("c");
        new SearchRun(SyntheticOracles.config(o, 1), SyntheticOracles.problem(o), dir).run(false, null);
        byte[] b = Files.readAllBytes(dir.resolve(SearchRun.STATE));
        b[b.length / 2] ^= 0x55;
        Files.write(dir.resolve(SearchRun.STATE), b);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SearchRun(SyntheticOracles.config(o, 2), SyntheticOracles.problem(o), dir).run(true, null));
        assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
    }

    @Test
    void nsga2KeepsTheReferenceBudgetAndEliminatesDuplicates() {
        EmomcProblem p = SyntheticOracles.problem(Objective.ENERGY);
        EmomcNSGAII a = new EmomcNSGAII(p, 12, 6);
        PRNG.setRandom(new Random(3));
        a.step();
        assertEquals(12, a.getNumberOfEvaluations());
        for (int g = 0; g < 10; g++) {
            a.step();
            Set<Genome> genomes = new HashSet<>();
            for (Solution s : a.getPopulation()) genomes.add(p.decode(s));
            assertEquals(12, a.getPopulation().size());
            assertEquals(12, genomes.size(), "population holds duplicates at generation " + g);
        }
        assertEquals(12 + 10 * 6, a.getNumberOfEvaluations());
    }

    @Test
    void decodeSnapsToGridAndRoundsBits() {
        EmomcProblem p = SyntheticOracles.problem(Objective.ENERGY);
        Genome g = new Genome(0.37, new int[]{2, 3, 4, 5, 11, 12});
        assertEquals(g, p.decode(p.encode(g)));
        Solution s = p.encode(g);
        ((org.moeaframework.core.variable.RealVariable) s.getVariable(0)).setValue(0.3799);
        ((org.moeaframework.core.variable.RealVariable) s.getVariable(1)).setValue(1.5);
        ((org.moeaframework.core.variable.RealVariable) s.getVariable(2)).setValue(12.49);
        Genome d = p.decode(s);
        assertEquals(0.37, d.remaining(), 1e-12);
        assertEquals(2, d.bits(0));
        assertEquals(12, d.bits(1));
    }

    @Test
    void everyOfferedAlgorithmKeepsTheBudgetAndResumesExactly() throws Exception {
        for (String name : SearchAlgorithms.OFFERED) {
            // An odd offspring count: pairwise breeding (SBX) must not overshoot it.
            SearchConfig c = SyntheticOracles.config(Objective.ENERGY, 6).withAlgorithm(name).withBudget(10, 5, 6);
            SearchRun.Result full = new SearchRun(c, SyntheticOracles.problem(Objective.ENERGY), tmp.resolve(name + "-full")).run(false, null);
            for (SearchRun.Progress p : full.progress())
                assertEquals(10 + 5 * p.generation(), p.evaluations(), name + " at generation " + p.generation());
            assertMutuallyNondominated(full.front(), Objective.ENERGY);

            Path part = tmp.resolve(name + "-part");
            new SearchRun(c.withBudget(10, 5, 2), SyntheticOracles.problem(Objective.ENERGY), part).run(false, null);
            SearchRun.Result resumed = new SearchRun(c, SyntheticOracles.problem(Objective.ENERGY), part).run(true, null);
            assertEquals(Files.readString(tmp.resolve(name + "-full").resolve(SearchRun.FRONT)), Files.readString(part.resolve(SearchRun.FRONT)),
                    name + ": resumed front differs");
            for (int g = 0; g < full.progress().size(); g++) {
                assertEquals(full.progress().get(g).hypervolume(), resumed.progress().get(g).hypervolume(), 0.0, name + " generation " + g);
                assertEquals(full.progress().get(g).evaluations(), resumed.progress().get(g).evaluations(), name + " generation " + g);
            }
        }
    }

    @Test
    void algorithmsThatCannotKeepTheBudgetAreRefusedWithTheReason() {
        for (String name : List.of("SMSEMOA", "MOEAD", "NSGAIII")) {
            org.emomc4j.util.UserError e = assertThrows(org.emomc4j.util.UserError.class,
                    () -> SyntheticOracles.config(Objective.ENERGY, 2).withAlgorithm(name));
            assertTrue(e.getMessage().contains("not offered") && e.getMessage().contains("NSGAII"), e.getMessage());
        }
        assertTrue(assertThrows(org.emomc4j.util.UserError.class,
                () -> SyntheticOracles.config(Objective.ENERGY, 2).withAlgorithm("SMS-EMOA")).getMessage().contains("steady-state"));
        assertTrue(assertThrows(org.emomc4j.util.UserError.class,
                () -> SyntheticOracles.config(Objective.ENERGY, 2).withAlgorithm("MOEAD")).getMessage().contains("whole population"));
        assertEquals("NSGAII", SyntheticOracles.config(Objective.ENERGY, 2).withAlgorithm("nsga-ii").algorithm());
    }

    @Test
    void badArgumentsAreExplained() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SyntheticOracles.config(Objective.ENERGY, 1).withAlgorithm("NSGA-IV"));
        assertTrue(e.getMessage().contains("NSGA-IV"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RemainingGrid.parse("0.0:0.8:0.1"));
        assertTrue(e.getMessage().contains("(0, 1]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RemainingGrid.parse("0.5:1.2:0.1"));
        assertTrue(e.getMessage().contains("(0, 1]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RemainingGrid.parse("abc"));
        e = assertThrows(IllegalArgumentException.class, () -> SearchConfig.parseBits("1:12"));
        assertTrue(e.getMessage().contains("1:12") && e.getMessage().contains("2 <= MIN"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SearchConfig.parseBits("8:4"));
        assertThrows(IllegalArgumentException.class, () -> SearchConfig.parseBits("2:33"));
        assertArrayEquals(new int[]{2, 12}, SearchConfig.parseBits("2:12"));
    }

    @Test
    void constraintKeepsInfeasibleCandidatesOffTheFront() throws Exception {
        EmomcProblem p = new EmomcProblem(RemainingGrid.parse("0.20:0.80:0.01"), SyntheticOracles.LAYERS, 2, 12,
                Objective.ENERGY, 150.0, Double.POSITIVE_INFINITY, SyntheticOracles.accuracy(), SyntheticOracles.cost());
        SearchRun.Result r = new SearchRun(SyntheticOracles.config(Objective.ENERGY, 10), p, tmp.resolve("lim")).run(false, null);
        assertFalse(r.front().isEmpty());
        for (Evaluation e : r.front()) assertTrue(e.sizeKiB() <= 150.0, "size " + e.sizeKiB());
        assertTrue(r.evaluations().stream().anyMatch(e -> e.sizeKiB() > 150.0), "the limit must bind for this test to mean anything");
    }

}
