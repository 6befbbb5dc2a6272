package org.emomc4j.search;

import org.moeaframework.algorithm.Algorithm;
import org.moeaframework.core.Solution;
import org.moeaframework.core.population.Population;

import java.util.ArrayList;
import java.util.List;

/**
 * A stage-2 search algorithm that keeps NSGA-II's evaluation budget (the initial population, then
 * a fixed number of offspring per generation: population + generations x offspring) and whose
 * whole state between generations is its population, so that a run can be stored as data
 * ({@link SearchState}) and continued exactly, without Java serialization.
 */
public interface StageTwoAlgorithm extends Algorithm {

    /** The algorithm's population (MOEA Framework's accessor). */
    Population getPopulation();

    /** The current population, in the algorithm's order (which matters for exact resume). */
    default List<Solution> population() {
        List<Solution> out = new ArrayList<>();
        for (Solution s : getPopulation()) out.add(s);
        return out;
    }

    /**
     * Continues from a stored population (solutions rebuilt through the problem, with their
     * selection attributes set) as if the algorithm had just finished the generation that made it.
     */
    void restore(List<Solution> population, int evaluations);
}
