package org.emomc4j.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * SGD with momentum and L2 weight decay, PyTorch's formulation (the reference's optimizer):
 * g += wd * w; v = momentum * v + g; w -= lr * v. Decay applies to all parameters (BatchNorm and
 * bias too), as {@code torch.optim.SGD(net.parameters(), weight_decay=...)} does. Works on the
 * model's flat parameter buffer, so one step is a few ops whatever the network size.
 */
public final class Sgd {

    private final Model model;
    private final double momentum, weightDecay;
    private final INDArray velocity;

    public Sgd(Model model, double momentum, double weightDecay) {
        this.model = model;
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        this.velocity = Nd4j.create(model.dtype(), model.paramCount());
    }

    /** Applies the gradients of the last {@code forwardBackward}, then re-applies the masks. */
    void step(double lr) {
        INDArray p = model.params, g = model.grads;
        long n = p.length();
        if (weightDecay != 0) Nd4j.getBlasWrapper().level1().axpy(n, weightDecay, p, g);
        // Pruned weights get zero gradient and zero decay, so their velocity stays zero too.
        model.hooks.maskGradients();
        velocity.muli(momentum).addi(g);
        Nd4j.getBlasWrapper().level1().axpy(n, -lr, velocity, p);
        model.applyMasks();
    }

    float[] velocityArray() { return velocity.dup().data().asFloat(); }

    void setVelocityArray(float[] v) { velocity.assign(Nd4j.createFromArray(v).castTo(velocity.dataType())); }
}
