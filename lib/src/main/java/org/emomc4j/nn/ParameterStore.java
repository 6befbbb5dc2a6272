package org.emomc4j.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A network's trainable parameters and BatchNorm running statistics. All parameters live in one
 * flat buffer (and their gradients in another) so that the optimizer, weight decay and masks are
 * a handful of ops over all layers, not dozens per layer; per-layer arrays are views into them.
 * These are the fp32 master copies every precision backend reads.
 */
final class ParameterStore {

    /** BatchNorm running-statistics momentum (PyTorch's default, as in the reference). */
    static final double BN_MOMENTUM = 0.1;

    final NetworkSpec spec;
    final DataType dtype;
    final int nConv;
    final INDArray params, grads;
    final INDArray runMean, runVar;
    /** Offset of each layer's weights in {@link #params}; conv weights are followed by gamma, beta; FC by its bias. */
    final long[] wOff;
    /** Offset of each conv layer's channels in {@link #runMean} / {@link #runVar}. */
    final int[] bnOff;
    final INDArray[] w, gW, gamma, beta, gGamma, gBeta, rMean, rVar;
    final INDArray fcBias, gFcBias;

    ParameterStore(NetworkSpec spec, DataType dtype) {
        this.spec = spec;
        this.dtype = dtype;
        int L = spec.size();
        this.nConv = L - 1;
        for (int l = 0; l < nConv; l++)
            if (!spec.layer(l).isConv()) throw new IllegalArgumentException("engine expects convolutions then one FC layer");
        LayerSpec fc = spec.layer(L - 1);
        if (fc.isConv()) throw new IllegalArgumentException("engine expects the last layer to be fully connected");
        wOff = new long[L];
        bnOff = new int[nConv];
        long off = 0;
        int bn = 0;
        for (int l = 0; l < L; l++) {
            LayerSpec s = spec.layer(l);
            wOff[l] = off;
            off += s.weightCount() + (s.isConv() ? 2L * s.outChannels() : s.outChannels());
            if (s.isConv()) { bnOff[l] = bn; bn += s.outChannels(); }
        }
        params = Nd4j.create(dtype, off);
        grads = Nd4j.create(dtype, off);
        runMean = Nd4j.create(dtype, Math.max(bn, 1));
        runVar = Nd4j.ones(dtype, Math.max(bn, 1));
        w = new INDArray[L]; gW = new INDArray[L];
        gamma = new INDArray[nConv]; beta = new INDArray[nConv]; gGamma = new INDArray[nConv]; gBeta = new INDArray[nConv];
        rMean = new INDArray[nConv]; rVar = new INDArray[nConv];
        for (int l = 0; l < L; l++) {
            LayerSpec s = spec.layer(l);
            long o = wOff[l], n = s.weightCount(), c = s.outChannels();
            w[l] = view(params, o, n, s.weightShape());
            gW[l] = view(grads, o, n, s.weightShape());
            if (s.isConv()) {
                gamma[l] = view(params, o + n, c, c);
                beta[l] = view(params, o + n + c, c, c);
                gGamma[l] = view(grads, o + n, c, c);
                gBeta[l] = view(grads, o + n + c, c, c);
                rMean[l] = view(runMean, bnOff[l], c, c);
                rVar[l] = view(runVar, bnOff[l], c, c);
            }
        }
        fcBias = view(params, wOff[L - 1] + fc.weightCount(), fc.outChannels(), 1, fc.outChannels());
        gFcBias = view(grads, wOff[L - 1] + fc.weightCount(), fc.outChannels(), 1, fc.outChannels());
    }

    static INDArray view(INDArray flat, long off, long len, long... shape) {
        return flat.get(NDArrayIndex.interval(off, off + len)).reshape('c', shape);
    }

    /** The flat segment of a layer's weights in a buffer laid out like {@link #params}. */
    INDArray weightSegment(INDArray flat, int layer) {
        long n = spec.layer(layer).weightCount();
        return view(flat, wOff[layer], n, n);
    }

    /** The flat segment of a conv layer's BatchNorm scale and shift (gamma then beta) in a buffer laid out like {@link #params}. */
    INDArray batchNormSegment(INDArray flat, int layer) {
        LayerSpec s = spec.layer(layer);
        long c = 2L * s.outChannels();
        return view(flat, wOff[layer] + s.weightCount(), c, c);
    }

    /** Total BatchNorm channels. */
    int bnChannels() { return (int) runMean.length(); }

    /**
     * Folds one training batch's statistics into the running ones, PyTorch's rule: mean and
     * unbiased variance (the biased batch variance times {@code unbias} = m/(m-1)) with momentum.
     */
    void updateRunningStats(INDArray batchMean, INDArray batchVar, INDArray unbias) {
        runMean.muli(1 - BN_MOMENTUM);
        Nd4j.getBlasWrapper().level1().axpy(runMean.length(), BN_MOMENTUM, batchMean, runMean);
        runVar.muli(1 - BN_MOMENTUM);
        Nd4j.getBlasWrapper().level1().axpy(runVar.length(), BN_MOMENTUM, batchVar.mul(unbias), runVar);
    }
}
