package org.emomc4j.nn;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fast path (fused Java BatchNorm+ReLU, conv2d_bp-free backward) gives the same gradients and logits as the libnd4j-op path. */
class FusedBnTest {

    @Test
    void fusedPathMatchesOpPath() {
        NetworkSpec spec = NetworkSpec.vgg("vgg16", 1.0 / 16);
        Model a = Model.create(spec, 5), b = Model.create(spec, 5);
        b.nd.fused = false;
        // Exercise the conv2d_bp-free backward (nine GEMMs + rotated-kernel convolution) on every layer.
        java.util.Arrays.fill(a.nd.padded, 0, spec.size() - 1, true);
        INDArray x = Nd4j.randn(3, new long[]{16, 32, 32, 3});
        int[] y = new int[16];
        for (int i = 0; i < y.length; i++) y[i] = i % 10;
        double la = a.forwardBackward(x, y)[0], lb = b.forwardBackward(x, y)[0];
        assertTrue(Math.abs(la - lb) < 1e-5, la + " vs " + lb);
        float[] ga = a.grads.toFloatVector(), gb = b.grads.toFloatVector();
        double num = 0, den = 0;
        for (int i = 0; i < ga.length; i++) { num += (ga[i] - gb[i]) * (double) (ga[i] - gb[i]); den += gb[i] * (double) gb[i]; }
        assertTrue(Math.sqrt(num / den) < 1e-4, "relative gradient difference " + Math.sqrt(num / den));
        assertTrue(max(a.runMean.sub(b.runMean)) < 1e-5 && max(a.runVar.sub(b.runVar)) < 1e-4);
        float[][] oa = a.logits(x), ob = b.logits(x);
        for (int i = 0; i < oa.length; i++)
            for (int k = 0; k < oa[i].length; k++) assertTrue(Math.abs(oa[i][k] - ob[i][k]) < 1e-4);
    }

    private static double max(INDArray d) { return org.nd4j.linalg.ops.transforms.Transforms.abs(d).maxNumber().doubleValue(); }
}
