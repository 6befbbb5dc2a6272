package org.emomc4j.nn;

import com.fasterxml.jackson.databind.ObjectMapper;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.emomc4j.util.UserError;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class LossTest {

    /** -sum_k q_k log p_k written out from the definition, with the targets built explicitly. */
    private static double smoothedLoss(double[] lg, int c, int[] y, int n, double e) {
        double total = 0;
        for (int i = 0; i < n; i++) {
            double z = 0;
            for (int k = 0; k < c; k++) z += Math.exp(lg[i * c + k]);
            for (int k = 0; k < c; k++) {
                double q = (k == y[i] ? 1 - e : 0) + e / c;
                total -= q * Math.log(Math.exp(lg[i * c + k]) / z);
            }
        }
        return total / n;
    }

    @Property(tries = 50)
    void smoothedLossAndGradientMatchTheDefinition(@ForAll @DoubleRange(min = 0, max = 0.5) double e,
                                                   @ForAll @IntRange(min = 1, max = 5) int n, @ForAll long seed) {
        int c = 10;
        SplittableRandom r = new SplittableRandom(seed);
        double[] lg = new double[n * c];
        int[] y = new int[n];
        for (int i = 0; i < lg.length; i++) lg[i] = 4 * r.nextDouble() - 2;
        for (int i = 0; i < n; i++) y[i] = r.nextInt(c);
        double[] g = new double[n * c];
        double[] lc = Loss.crossEntropy(lg, c, y, n, g, e);
        assertEquals(smoothedLoss(lg, c, y, n, e), lc[0], 1e-9);
        double h = 1e-6;
        for (int j = 0; j < lg.length; j++) {
            double[] p = lg.clone(), m = lg.clone();
            p[j] += h;
            m[j] -= h;
            double fd = (smoothedLoss(p, c, y, n, e) - smoothedLoss(m, c, y, n, e)) / (2 * h);
            assertEquals(fd, g[j], 1e-6, "dL/dlogit " + j);
        }
    }

    /** CutMix's targets: the loss is lambda CE(label) + (1 - lambda) CE(partner), each smoothed; the gradient its derivative. */
    @Property(tries = 50)
    void mixedTargetsWeighTheTwoLabelsLosses(@ForAll @DoubleRange(min = 0, max = 0.3) double e,
                                            @ForAll @DoubleRange(min = 0, max = 1) double lambda,
                                            @ForAll @IntRange(min = 1, max = 4) int n, @ForAll long seed) {
        int c = 10;
        SplittableRandom r = new SplittableRandom(seed);
        double[] lg = new double[n * c];
        int[] y = new int[n], z = new int[n];
        for (int i = 0; i < lg.length; i++) lg[i] = 4 * r.nextDouble() - 2;
        for (int i = 0; i < n; i++) { y[i] = r.nextInt(c); z[i] = r.nextInt(c); }
        double[] g = new double[n * c];
        double[] lc = Loss.crossEntropy(lg, c, y, n, g, e, z, lambda);
        java.util.function.Function<double[], Double> want =
                x -> lambda * smoothedLoss(x, c, y, n, e) + (1 - lambda) * smoothedLoss(x, c, z, n, e);
        assertEquals(want.apply(lg), lc[0], 1e-9);
        double h = 1e-6;
        for (int j = 0; j < lg.length; j++) {
            double[] p = lg.clone(), m = lg.clone();
            p[j] += h;
            m[j] -= h;
            assertEquals((want.apply(p) - want.apply(m)) / (2 * h), g[j], 1e-6, "dL/dlogit " + j);
        }
    }

    @Test
    void smoothingPullsAnOverconfidentLogitBack() {
        // A confident, correct row: plain cross-entropy still pushes the label's logit up,
        // smoothing (e = 0.1) pushes it down, because its target is 0.91, not 1.
        double[] lg = {12, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        double[] g0 = new double[10], g1 = new double[10];
        Loss.crossEntropy(lg, 10, new int[]{0}, 1, g0, 0);
        Loss.crossEntropy(lg, 10, new int[]{0}, 1, g1, 0.1);
        assertTrue(g0[0] < 0, "plain: " + g0[0]);
        assertTrue(g1[0] > 0, "smoothed: " + g1[0]);
    }

    @Test
    void configsOfCheckpointsWrittenBeforeTheRecipeFieldsReadAsNoSmoothingNoCutout() throws Exception {
        String old = "{\"epochs\":30,\"batchSize\":128,\"lr\":0.1,\"momentum\":0.9,\"weightDecay\":5.0E-4,"
                + "\"schedule\":\"ONECYCLE\",\"stepEpochs\":30,\"seed\":1,\"precision\":\"BF16\"}";
        TrainConfig c = new ObjectMapper().readValue(old, TrainConfig.class);
        assertEquals(0.0, c.labelSmoothing());
        assertEquals(0, c.cutout());
        assertTrue(c.sameRunAs(c.withLabelSmoothing(0).withCutout(0)));
        assertFalse(c.sameRunAs(c.withLabelSmoothing(0.1)), "a resumed run with another smoothing is another run");
        assertFalse(c.sameRunAs(c.withCutout(16)), "a resumed run with another cutout is another run");
        assertThrows(UserError.class, () -> c.withLabelSmoothing(1.0));
        assertThrows(UserError.class, () -> c.withCutout(40));
        assertEquals(0, c.swaEpochs(), "nor SWA");
        assertEquals(0.0, c.cutmix(), "nor CutMix");
        assertFalse(c.sameRunAs(c.withCutmix(0.5)), "a resumed run with CutMix is another run");
    }
}
