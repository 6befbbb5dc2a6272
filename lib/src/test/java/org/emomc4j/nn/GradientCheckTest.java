package org.emomc4j.nn;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The layer stack's analytic gradients (conv, train-mode BatchNorm, ReLU, max-pool, FC, softmax CE) against finite differences. */
class GradientCheckTest {

    @Test
    void gradientsMatchFiniteDifferencesInDouble() {
        NetworkSpec spec = NetworkSpec.vgg("vgg11", 1.0 / 16);
        Model m = Model.create(spec, 7, DataType.DOUBLE);
        // Give BatchNorm non-trivial scale and shift so their gradients are exercised.
        Random r = new Random(3);
        m.params.addi(Nd4j.randn(DataType.DOUBLE, m.params.length()).muli(0.1));
        m.runMean.assign(Nd4j.randn(DataType.DOUBLE, m.runMean.length()));
        double[] p = m.params.data().asDouble();
        int n = 4;
        INDArray x = Nd4j.rand(DataType.DOUBLE, n, 32, 32, 3).subi(0.5).muli(2);
        int[] labels = {1, 4, 7, 2};
        m.forwardBackward(x, labels);
        double[] g = m.grads.dup().data().asDouble();
        double eps = 1e-5, worst = 0;
        int checked = 0;
        for (int t = 0; t < 160; t++) {
            int i = r.nextInt(p.length);
            double orig = m.params.getDouble(i);
            m.params.putScalar(i, orig + eps);
            double lp = m.trainLoss(x, labels);
            m.params.putScalar(i, orig - eps);
            double lm = m.trainLoss(x, labels);
            m.params.putScalar(i, orig);
            double fd = (lp - lm) / (2 * eps);
            double err = Math.abs(fd - g[i]) / Math.max(1e-6, Math.abs(fd) + Math.abs(g[i]));
            if (Math.abs(fd) + Math.abs(g[i]) > 1e-7) { worst = Math.max(worst, err); checked++; }
            if (err > 1e-4 && Math.abs(fd) + Math.abs(g[i]) > 1e-7)
                System.out.println("param " + i + " fd=" + fd + " analytic=" + g[i]);
        }
        System.out.println("checked " + checked + " worst relative error " + worst);
        assertTrue(checked > 60, "too few non-zero gradients checked: " + checked);
        assertTrue(worst < 1e-4, "worst relative error " + worst);
    }
}
