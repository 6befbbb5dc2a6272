package org.emomc4j.search;

/**
 * The modelled costs of a genome, for one chosen dataflow and one chosen coding scheme.
 * Needs no weights; called for every candidate, so it must be cheap.
 */
public interface CostOracle {
    double energyMilliJoules(Genome genome);

    double sizeKiB(Genome genome);
}
