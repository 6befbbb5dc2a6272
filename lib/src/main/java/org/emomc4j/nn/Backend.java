package org.emomc4j.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A precision's arithmetic for a {@link Model}: how the logits of a batch are computed from the
 * fp32 master parameters ({@link ParameterStore}) and the compression state
 * ({@link CompressionHooks}). One implementation per {@link Precision}; the model, the
 * evaluation loop and the loss are shared.
 */
interface Backend {

    /** Called once before a pass over a set (or a single logits call): re-read weights that changed. */
    void prepare();

    /** Inference-mode logits of a batch of n NHWC normalised images, row-major [n, classes], in double. */
    double[] logits(INDArray x, int n);

    /** Frees cached buffers (rebuilt on demand). */
    void release();

    /** A backend that can also train (forward + backward in training mode). */
    interface Training extends Backend {

        /** Training-mode forward and backward: fills the store's gradients (unmasked), returns {loss, correct}. */
        double[] forwardBackward(INDArray x, int[] labels);

        /** Training-mode loss only, no state change (gradient checks). */
        double trainLoss(INDArray x, int[] labels);
    }
}
