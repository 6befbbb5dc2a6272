package org.emomc4j.compress.prune;

import org.emomc4j.data.ImageSet;
import org.emomc4j.nn.Model;

import java.util.List;
import java.util.function.Supplier;

/**
 * One-shot pruning without fine-tuning: the accuracy of a trained network right after each rule
 * removes weights at each remaining fraction (notebook 03). It shows how much a rule destroys
 * before any retraining, which is what stage 1's gradual schedule then repairs.
 *
 * @param remaining    the target fractions r, rows
 * @param rules        the rules' names, columns
 * @param accuracy     accuracy[i][k]: rule k at remaining[i]
 * @param keptFraction keptFraction[i][k]: the share of all weights rule k really kept
 * @param baseline     accuracy of the unpruned network
 * @param images       images every accuracy is measured on
 */
public record OneShotPruning(double[] remaining, List<String> rules, double[][] accuracy, double[][] keptFraction,
                             double baseline, int images) {

    /**
     * Measures every rule at every r, each on a fresh copy of the network from {@code fresh}
     * (e.g. {@code () -> Model.load(checkpoint)}).
     */
    public static OneShotPruning measure(Supplier<Model> fresh, ImageSet images, double[] remaining,
                                         List<PruningRule> rules, int batchSize) {
        double[][] acc = new double[remaining.length][rules.size()], kept = new double[remaining.length][rules.size()];
        double base = fresh.get().accuracy(images, batchSize);
        for (int i = 0; i < remaining.length; i++) {
            for (int k = 0; k < rules.size(); k++) {
                Model m = fresh.get();
                kept[i][k] = PruningRule.keptFraction(rules.get(k).apply(m, remaining[i]));
                acc[i][k] = m.accuracy(images, batchSize);
            }
        }
        return new OneShotPruning(remaining.clone(), rules.stream().map(PruningRule::name).toList(), acc, kept, base, images.size());
    }
}
