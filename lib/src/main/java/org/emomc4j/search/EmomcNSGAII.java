package org.emomc4j.search;

import org.moeaframework.algorithm.NSGAII;
import org.moeaframework.core.Solution;
import org.moeaframework.core.attribute.CrowdingDistance;
import org.moeaframework.core.attribute.Rank;
import org.moeaframework.core.comparator.ChainedComparator;
import org.moeaframework.core.comparator.CrowdingComparator;
import org.moeaframework.core.comparator.ParetoDominanceComparator;
import org.moeaframework.core.initialization.RandomInitialization;
import org.moeaframework.core.operator.CompoundVariation;
import org.moeaframework.core.operator.Variation;
import org.moeaframework.core.operator.real.PM;
import org.moeaframework.core.operator.real.SBX;
import org.moeaframework.core.population.NondominatedSortingPopulation;
import org.moeaframework.core.population.Population;
import org.moeaframework.core.selection.TournamentSelection;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * NSGA-II as the reference runs it (pymoo): a population of {@code pop}, {@code offspring} new
 * candidates per generation (20 of 40 in the paper, where MOEA Framework's NSGA-II would make a
 * whole population), SBX (p 0.9, eta 15) and polynomial mutation (eta 20), and duplicate
 * elimination: an offspring whose decoded genome is already in the population or in this
 * generation's offspring is discarded and bred again. Its state between generations is the
 * population with each member's rank and crowding distance, so a run resumes exactly from a
 * stored population.
 *
 * <p>The method, formulas and choices: {@code docs/method.md#stage-2-search}.
 */
public final class EmomcNSGAII extends NSGAII implements StageTwoAlgorithm {

    /** Attempts to breed a non-duplicate before accepting whatever comes (as pymoo gives up). */
    private static final int MAX_TRIES = 100;

    private final EmomcProblem emomc;
    private final int offspringSize;

    public EmomcNSGAII(EmomcProblem problem, int populationSize, int offspringSize) {
        this(problem, populationSize, offspringSize, new RandomInitialization(problem));
    }

    /** With another initial population (e.g. {@link CornerInitialization}). */
    public EmomcNSGAII(EmomcProblem problem, int populationSize, int offspringSize,
                       org.moeaframework.core.initialization.Initialization initialization) {
        super(problem, populationSize, new NondominatedSortingPopulation(), null,
                new TournamentSelection(2, new ChainedComparator(new ParetoDominanceComparator(), new CrowdingComparator())),
                referenceVariation(problem.getNumberOfVariables()), initialization);
        if (populationSize < 2 || offspringSize < 1)
            throw new IllegalArgumentException("population must be >= 2 and offspring >= 1");
        this.emomc = problem;
        this.offspringSize = offspringSize;
    }

    /** SBX (p 0.9, eta 15) followed by polynomial mutation (p 1/n, eta 20). */
    public static Variation referenceVariation(int variables) {
        return new CompoundVariation(new SBX(0.9, 15.0), new PM(1.0 / variables, 20.0));
    }

    @Override
    public String getName() { return "NSGAII"; }

    @Override
    public void iterate() {
        NondominatedSortingPopulation population = getPopulation();
        Variation variation = getVariation();
        Set<Genome> seen = new HashSet<>();
        for (Solution s : population) seen.add(emomc.decode(s));
        Population offspring = new Population();
        int tries = 0;
        TournamentSelection selection = new TournamentSelection(2,
                new ChainedComparator(new ParetoDominanceComparator(), new CrowdingComparator()));
        while (offspring.size() < offspringSize) {
            Solution[] parents = selection.select(variation.getArity(), population);
            for (Solution child : variation.evolve(parents)) {
                if (offspring.size() >= offspringSize) break;
                Genome g = emomc.decode(child);
                if (seen.add(g) || ++tries > MAX_TRIES) offspring.add(child);
            }
        }
        // Racing (when on) decides the offspring first: scored on a slice, in full only where they could survive.
        List<Solution> children = new java.util.ArrayList<>();
        for (Solution s : offspring) children.add(s);
        emomc.race(population, children, getInitialPopulationSize(), population.getComparator());
        evaluateAll(offspring);
        population.addAll(offspring);
        population.truncate(getInitialPopulationSize());
    }

    @Override
    public void restore(List<Solution> members, int evaluations) {
        assertNotInitialized();
        // Survivors keep the ranks and crowding distances computed on the union they were chosen
        // from (MOEA Framework does not recompute them after truncation): sort the restored
        // population once, as adding marks it modified, then put the stored values back.
        int[] rank = new int[members.size()];
        double[] crowding = new double[members.size()];
        for (int i = 0; i < members.size(); i++) {
            Solution s = members.get(i);
            if (!Rank.hasAttribute(s) || !CrowdingDistance.hasAttribute(s))
                throw new IllegalArgumentException("a restored NSGA-II member needs its rank and crowding distance");
            rank[i] = Rank.getAttribute(s);
            crowding[i] = CrowdingDistance.getAttribute(s);
        }
        getPopulation().clear();
        getPopulation().addAll(members);
        getPopulation().update();
        for (int i = 0; i < members.size(); i++) {
            Rank.setAttribute(members.get(i), rank[i]);
            CrowdingDistance.setAttribute(members.get(i), crowding[i]);
        }
        numberOfEvaluations = evaluations;
        initialized = true;
    }
}
