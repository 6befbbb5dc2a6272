package org.emomc4j.search;

import org.emomc4j.util.UserError;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The stage-2 algorithms the toolkit offers, by name. An algorithm is offered only when it keeps
 * NSGA-II's evaluation budget (population + generations x offspring, so that fronts of
 * different algorithms compare at equal cost) and resumes exactly from a stored population
 * ({@link StageTwoAlgorithm}). Others of MOEA Framework are refused with the reason.
 */
public final class SearchAlgorithms {
    private SearchAlgorithms() { }

    /** Offered algorithms; NSGAII is the paper's. */
    public static final List<String> OFFERED = List.of("NSGAII", "SPEA2");

    /** Why the other well-known algorithms are not offered. */
    static final Map<String, String> REFUSED = new LinkedHashMap<>();

    static {
        REFUSED.put("SMSEMOA", "SMS-EMOA is steady-state (one offspring per step, the hypervolume contribution of the last front "
                + "recomputed after each), so it neither breeds a generation of offspring nor keeps its state in a population snapshot");
        REFUSED.put("MOEAD", "MOEA/D breeds one offspring per subproblem (a whole population per step, not the offspring budget) "
                + "and carries weight neighbourhoods, an ideal point and utilities that a stored population does not hold");
        REFUSED.put("NSGAIII", "NSGA-III breeds a whole population per generation and normalises by reference points whose "
                + "state a stored population does not hold");
        REFUSED.put("IBEA", "IBEA breeds a whole population per generation");
        REFUSED.put("GDE3", "GDE3 makes one trial vector per population member (a whole population per generation)");
        REFUSED.put("EMOEA", "e-MOEA is steady-state (one offspring per step) with an epsilon archive outside the population");
    }

    /** The offered name for a user's spelling (case-insensitive; NSGA-II as NSGAII), else a {@link UserError} with the reason. */
    public static String canonical(String name) {
        if (name == null || name.isBlank()) throw new UserError("--algorithm is empty: use one of " + OFFERED);
        String n = name.trim().toUpperCase(Locale.ROOT).replace("-", "").replace("_", "");
        for (String o : OFFERED) if (o.equals(n)) return o;
        String why = REFUSED.get(n);
        if (why != null)
            throw new UserError("--algorithm " + name + " is not offered: " + why + ". Use one of " + OFFERED
                    + " (same budget as NSGA-II: population + generations x offspring, exact resume)");
        throw new UserError("unknown --algorithm '" + name + "': use one of " + OFFERED);
    }

    /** Creates the configured algorithm on a problem, with the reference operators and budget. */
    public static StageTwoAlgorithm create(SearchConfig config, EmomcProblem problem) {
        return switch (canonical(config.algorithm())) {
            case "NSGAII" -> new EmomcNSGAII(problem, config.populationSize(), config.offspringSize());
            case "SPEA2" -> new EmomcSPEA2(problem, config.populationSize(), config.offspringSize());
            default -> throw new IllegalStateException("offered but not built: " + config.algorithm());
        };
    }
}
