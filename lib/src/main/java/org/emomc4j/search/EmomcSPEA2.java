package org.emomc4j.search;

import org.moeaframework.algorithm.SPEA2;
import org.moeaframework.core.Solution;
import org.moeaframework.core.comparator.FitnessComparator;
import org.moeaframework.core.initialization.RandomInitialization;
import org.moeaframework.core.operator.Variation;
import org.moeaframework.core.population.Population;
import org.moeaframework.core.selection.TournamentSelection;

import java.util.List;

/**
 * SPEA2 (Zitzler et al. 2001) as a stage-2 alternative to NSGA-II, with the reference's operators
 * (SBX p 0.9 eta 15, polynomial mutation eta 20) and NSGA-II's budget: exactly {@code offspring}
 * children per generation (MOEA Framework's SPEA2 breeds in pairs and overshoots an odd count).
 * Its state between generations is the archive and each member's strength fitness (computed on
 * the union before truncation, so it is stored, not recomputed).
 */
public final class EmomcSPEA2 extends SPEA2 implements StageTwoAlgorithm {

    private final int offspringSize;
    private final TournamentSelection selection;

    public EmomcSPEA2(EmomcProblem problem, int populationSize, int offspringSize) {
        super(problem, populationSize, new RandomInitialization(problem),
                EmomcNSGAII.referenceVariation(problem.getNumberOfVariables()), offspringSize, 1);
        if (populationSize < 2 || offspringSize < 1) throw new IllegalArgumentException("population must be >= 2 and offspring >= 1");
        this.offspringSize = offspringSize;
        this.selection = new TournamentSelection(new FitnessComparator(getFitnessEvaluator().areLargerValuesPreferred()));
    }

    @Override
    public String getName() { return "SPEA2"; }

    @Override
    protected void iterate() {
        Population population = getPopulation();
        Variation variation = getVariation();
        Population offspring = new Population();
        while (offspring.size() < offspringSize) {
            for (Solution child : variation.evolve(selection.select(variation.getArity(), population)))
                if (offspring.size() < offspringSize) offspring.add(child);
        }
        evaluateAll(offspring);
        offspring.addAll(population);
        getFitnessEvaluator().evaluate(offspring);
        population.clear();
        population.addAll(truncate(offspring, getInitialPopulationSize()));
    }

    @Override
    public void restore(List<Solution> members, int evaluations) {
        assertNotInitialized();
        getPopulation().clear();
        getPopulation().addAll(members);
        numberOfEvaluations = evaluations;
        initialized = true;
    }
}
