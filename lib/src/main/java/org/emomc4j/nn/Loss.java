package org.emomc4j.nn;

/**
 * Softmax cross-entropy over logits (mean over the batch) and top-1 hits; the gradient on request.
 * With label smoothing e the target of a row is (1 - e) on its label plus e / classes on every
 * class (Szegedy et al. 2016, as PyTorch's {@code CrossEntropyLoss(label_smoothing=e)}).
 */
final class Loss {

    private Loss() { }

    /** The predicted class of row i: the first largest logit (the rule top-1 accuracy counts by). */
    static int argMax(double[] logits, int i, int classes) {
        double max = Double.NEGATIVE_INFINITY;
        int arg = 0;
        for (int k = 0; k < classes; k++) if (logits[i * classes + k] > max) { max = logits[i * classes + k]; arg = k; }
        return arg;
    }

    /**
     * @param logits row-major [n, classes]
     * @param grad   if not null, receives dLoss/dLogits (length n * classes)
     * @return {mean loss, number correct}
     */
    static double[] crossEntropy(double[] logits, int classes, int[] labels, int n, double[] grad) {
        return crossEntropy(logits, classes, labels, n, grad, 0);
    }

    /** As {@link #crossEntropy(double[], int, int[], int, double[])} against smoothed targets (e in [0, 1)). */
    static double[] crossEntropy(double[] logits, int classes, int[] labels, int n, double[] grad, double smoothing) {
        return crossEntropy(logits, classes, labels, n, grad, smoothing, null, 1);
    }

    /**
     * Against mixed targets (CutMix, Yun et al. 2019): row i's target is {@code lambda} times the
     * smoothed target of {@code labels[i]} plus {@code 1 - lambda} times that of {@code partners[i]}
     * (null partners: lambda 1), so the loss is lambda CE(label) + (1 - lambda) CE(partner). Hits
     * count against {@code labels}.
     */
    static double[] crossEntropy(double[] logits, int classes, int[] labels, int n, double[] grad, double smoothing,
                                 int[] partners, double lambda) {
        int c = classes;
        if (partners == null) lambda = 1;
        double off = smoothing / c, on = 1 - smoothing + off;
        double[] lg = logits;
        double loss = 0;
        int correct = 0;
        for (int i = 0; i < n; i++) {
            int arg = argMax(lg, i, c);
            double max = lg[i * c + arg];
            double sum = 0;
            for (int k = 0; k < c; k++) sum += Math.exp(lg[i * c + k] - max);
            int y = labels[i], z = partners == null ? y : partners[i];
            if (y < 0 || y >= c) throw new IllegalArgumentException("label " + y + " outside 0.." + (c - 1));
            if (z < 0 || z >= c) throw new IllegalArgumentException("label " + z + " outside 0.." + (c - 1));
            double logSum = Math.log(sum);
            // -sum_k q_k log p_k with q_k = off everywhere, plus (on - off) lambda on the label and (on - off) (1 - lambda)
            // on the partner's.
            double mixed = lambda * (lg[i * c + y] - max - logSum) + (1 - lambda) * (lg[i * c + z] - max - logSum);
            if (smoothing == 0) {
                loss += -mixed;
            } else {
                double all = 0;
                for (int k = 0; k < c; k++) all += lg[i * c + k] - max - logSum;
                loss += -(off * all + (on - off) * mixed);
            }
            if (arg == y) correct++;
            if (grad != null) {
                for (int k = 0; k < c; k++) grad[i * c + k] = (Math.exp(lg[i * c + k] - max) / sum - off) / n;
                grad[i * c + y] -= lambda * (on - off) / n;
                grad[i * c + z] -= (1 - lambda) * (on - off) / n;
            }
        }
        return new double[]{loss / n, correct};
    }
}
