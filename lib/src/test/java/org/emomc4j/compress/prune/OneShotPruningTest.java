package org.emomc4j.compress.prune;

import org.emomc4j.data.ImageSet;
import org.emomc4j.nn.Model;
import org.emomc4j.nn.NetworkSpec;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class OneShotPruningTest {

    @Test
    void eachRuleIsMeasuredOnAFreshNetwork() {
        NetworkSpec spec = NetworkSpec.vgg("vgg16", 1.0 / 16);
        ImageSet images = ImageSet.random(64, 2);
        var result = OneShotPruning.measure(() -> Model.create(spec, 7), images, new double[]{1.0, 0.3},
                List.of(PruningRule.PER_LAYER, PruningRule.FILTER), 32);
        assertEquals(List.of("per-layer magnitude", "filter (L1)"), result.rules());
        // r = 1 prunes nothing: every rule gives the unpruned accuracy and keeps everything
        for (int k = 0; k < 2; k++) {
            assertEquals(result.baseline(), result.accuracy()[0][k], 0.0);
            assertEquals(1.0, result.keptFraction()[0][k], 0.0);
        }
        // r = 0.3 per layer equals pruning one fresh copy by hand (fresh: the r = 1 row did not leak masks)
        Model byHand = Model.create(spec, 7);
        PruningRule.PER_LAYER.apply(byHand, 0.3);
        assertEquals(byHand.accuracy(images, 32), result.accuracy()[1][0], 0.0);
        assertEquals(0.3, result.keptFraction()[1][0], 0.01);
        assertEquals(64, result.images());
    }
}
