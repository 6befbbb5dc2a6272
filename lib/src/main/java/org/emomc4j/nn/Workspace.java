package org.emomc4j.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.emomc4j.nn.ParameterStore.view;

/**
 * Preallocated activations (and, for training, gradients) of the fp32 ND4J path, one set per
 * batch size and mode: allocation churn costs as much as the small layers' arithmetic. Only a
 * few batch sizes are kept alive, since the full network's buffers are hundreds of MB.
 */
final class Workspace {

    private final ParameterStore ps;
    private final Map<Long, Batch> cache = new LinkedHashMap<>();

    Workspace(ParameterStore ps) { this.ps = ps; }

    /** The buffers for a batch of n in training or inference mode (created on first use). */
    Batch get(int n, boolean train, boolean fused, boolean[] padded) {
        long key = train ? n : -n;
        Batch b = cache.get(key);
        if (b == null) {
            if (cache.size() >= 3) cache.remove(cache.keySet().iterator().next());
            b = new Batch(n, train, fused, padded);
            cache.put(key, b);
        }
        return b;
    }

    void clear() { cache.clear(); }

    /** Buffers of one batch size. */
    final class Batch {
        final int n;
        final INDArray[] xin, z, a, p, mean, var, gA, gY, gZ, gX, dMean, dVar;
        final INDArray meanAll, varAll, unbias, logits, gFcIn;
        final float[][] jMean, jVar, jGamma;
        final INDArray[] xpad, xint, gpad, gint, wrot;
        final INDArray[][] xTap, gwTap;
        final INDArray[] gFlat, cols;
        float[] xpJava, colsJava;
        final float[] jMeanAll, jVarAll;

        Batch(int n, boolean train, boolean fused, boolean[] padded) {
            this.n = n;
            int nConv = ps.nConv;
            NetworkSpec spec = ps.spec;
            var dtype = ps.dtype;
            xin = new INDArray[nConv]; z = new INDArray[nConv]; a = new INDArray[nConv]; p = new INDArray[nConv];
            mean = new INDArray[nConv]; var = new INDArray[nConv];
            gA = new INDArray[nConv]; gY = new INDArray[nConv]; gZ = new INDArray[nConv]; gX = new INDArray[nConv];
            dMean = new INDArray[nConv]; dVar = new INDArray[nConv];
            int totalC = ps.bnChannels();
            meanAll = Nd4j.create(dtype, totalC);
            varAll = Nd4j.create(dtype, totalC);
            float[] ub = new float[totalC];
            jMean = new float[nConv][]; jVar = new float[nConv][]; jGamma = new float[nConv][];
            jMeanAll = new float[totalC]; jVarAll = new float[totalC];
            xpad = new INDArray[nConv]; xint = new INDArray[nConv]; gpad = new INDArray[nConv]; gint = new INDArray[nConv];
            wrot = new INDArray[nConv]; xTap = new INDArray[nConv][]; gwTap = new INDArray[nConv][]; gFlat = new INDArray[nConv];
            cols = new INDArray[nConv];
            for (int l = 0; l < nConv; l++) {
                LayerSpec s = spec.layer(l);
                long c = s.outChannels();
                z[l] = Nd4j.create(dtype, n, s.outH(), s.outW(), c);
                a[l] = Nd4j.create(dtype, n, s.outH(), s.outW(), c);
                if (s.poolAfter()) p[l] = Nd4j.create(dtype, n, s.outH() / 2, s.outW() / 2, c);
                mean[l] = view(meanAll, ps.bnOff[l], c, c);
                jMean[l] = new float[(int) c];
                jVar[l] = new float[(int) c];
                var[l] = view(varAll, ps.bnOff[l], c, c);
                long m = (long) n * s.outH() * s.outW();
                Arrays.fill(ub, ps.bnOff[l], ps.bnOff[l] + (int) c, m > 1 ? (float) m / (m - 1) : 1f);
                boolean pd = fused && padded[l];
                if (pd) {
                    int H = s.inH(), W = s.inW(), Hp = H + 2, Wp = W + 2, ci = s.inChannels();
                    long P = (long) n * Hp * Wp, marg = Wp + 1;
                    INDArray xbig = Nd4j.create(dtype, (P + 2 * marg) * ci);
                    xpad[l] = view(xbig, marg * ci, P * ci, n, Hp, Wp, ci);
                    xint[l] = xpad[l].get(NDArrayIndex.all(), NDArrayIndex.interval(1, H + 1), NDArrayIndex.interval(1, W + 1), NDArrayIndex.all());
                    if (train) {
                        INDArray gbig = Nd4j.create(dtype, P * c);
                        gpad[l] = gbig.reshape('c', n, Hp, Wp, c);
                        gint[l] = gpad[l].get(NDArrayIndex.all(), NDArrayIndex.interval(1, H + 1), NDArrayIndex.interval(1, W + 1), NDArrayIndex.all());
                        gFlat[l] = gbig.reshape('c', P, c);
                        xTap[l] = new INDArray[9];
                        gwTap[l] = new INDArray[9];
                        for (int kh = 0; kh < 3; kh++)
                            for (int kw = 0; kw < 3; kw++) {
                                long r0 = marg + (long) (kh - 1) * Wp + (kw - 1);
                                xTap[l][kh * 3 + kw] = view(xbig, r0 * ci, P * ci, P, ci);
                                gwTap[l][kh * 3 + kw] = view(ps.grads, ps.wOff[l] + (long) (kh * 3 + kw) * ci * c, (long) ci * c, ci, c);
                            }
                        if (l > 0) wrot[l] = Nd4j.create(dtype, 3, 3, c, ci);
                        // Tiny maps: the zero border would be most of the GEMM, so build im2col
                        // columns instead (small there) and take one GEMM.
                        if (H <= 2) cols[l] = Nd4j.create(dtype, (long) n * H * W, 9L * ci);
                    }
                }
                if (train) {
                    if (s.poolAfter()) gA[l] = Nd4j.create(dtype, n, s.outH(), s.outW(), c);
                    if (!fused) gY[l] = Nd4j.create(dtype, n, s.outH(), s.outW(), c);
                    gZ[l] = Nd4j.create(dtype, n, s.outH(), s.outW(), c);
                    gX[l] = Nd4j.create(dtype, n, s.inH(), s.inW(), s.inChannels());
                    dMean[l] = Nd4j.create(dtype, c);
                    dVar[l] = Nd4j.create(dtype, c);
                }
            }
            unbias = Nd4j.createFromArray(ub).castTo(dtype);
            LayerSpec fc = spec.layer(nConv);
            logits = Nd4j.create(dtype, n, fc.outChannels());
            gFcIn = train ? Nd4j.create(dtype, n, fc.inChannels()) : null;
        }
    }
}
