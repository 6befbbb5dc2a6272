package org.emomc4j.search;

import org.moeaframework.core.Solution;
import org.moeaframework.core.initialization.Initialization;
import org.moeaframework.core.initialization.RandomInitialization;

/**
 * Stage 2's initial population with the least-compressed corner seeded (ours, not the paper's):
 * the random population of the reference, whose first member is replaced by the genome with the
 * largest remaining fraction of the grid and every layer at {@link #CORNER_BITS} bits (clamped to
 * the search's bit range). Why: a random start rarely draws a plan with a high r and all layers
 * at >= 8 bits at once, so the high-accuracy end of the fronts stays empty (on the quick run no
 * energy front held a plan above r = 0.4 although the r = 0.55 stage-1 network beat every front
 * member). The random draws are made exactly as without seeding, so the other members are the
 * reference's, and the seeded population is stored and resumed like any other.
 */
public final class CornerInitialization implements Initialization {

    /** Bits of every layer in the seeded corner: 8-bit symmetric quantization is near lossless for VGG-16. */
    public static final int CORNER_BITS = 8;

    private final EmomcProblem problem;
    private final RandomInitialization random;

    public CornerInitialization(EmomcProblem problem) {
        this.problem = problem;
        this.random = new RandomInitialization(problem);
    }

    /** The seeded genome: r = the grid's largest, every layer at 8 bits (within the search's range). */
    public static Genome corner(EmomcProblem problem) {
        int[] bits = new int[problem.getNumberOfVariables() - 1];
        java.util.Arrays.fill(bits, Math.max(problem.minBits(), Math.min(problem.maxBits(), CORNER_BITS)));
        return new Genome(problem.grid().max(), bits);
    }

    @Override
    public Solution[] initialize(int populationSize) {
        Solution[] s = random.initialize(populationSize);
        if (s.length > 0) s[0] = problem.encode(corner(problem));
        return s;
    }

    /** The initialization a configuration asks for: seeded when {@link SearchConfig#seedCorner()}, else the reference's random one. */
    static Initialization of(SearchConfig config, EmomcProblem problem) {
        return config.seedCorner() ? new CornerInitialization(problem) : new RandomInitialization(problem);
    }
}
