package org.emomc4j.nn;

/** Softmax cross-entropy over logits (mean over the batch) and top-1 hits; the gradient on request. */
final class Loss {

    private Loss() { }

    /**
     * @param logits row-major [n, classes]
     * @param grad   if not null, receives dLoss/dLogits (length n * classes)
     * @return {mean loss, number correct}
     */
    static double[] crossEntropy(double[] logits, int classes, int[] labels, int n, double[] grad) {
        int c = classes;
        double[] lg = logits;
        double loss = 0;
        int correct = 0;
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY;
            int arg = 0;
            for (int k = 0; k < c; k++) if (lg[i * c + k] > max) { max = lg[i * c + k]; arg = k; }
            double sum = 0;
            for (int k = 0; k < c; k++) sum += Math.exp(lg[i * c + k] - max);
            int y = labels[i];
            if (y < 0 || y >= c) throw new IllegalArgumentException("label " + y + " outside 0.." + (c - 1));
            loss += -(lg[i * c + y] - max - Math.log(sum));
            if (arg == y) correct++;
            if (grad != null) {
                for (int k = 0; k < c; k++) grad[i * c + k] = Math.exp(lg[i * c + k] - max) / sum / n;
                grad[i * c + y] -= 1.0 / n;
            }
        }
        return new double[]{loss / n, correct};
    }
}
