package org.emomc4j.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Thin wrappers over the libnd4j ops the engine calls directly (NHWC, HWIO weights). Every op
 * writes into caller-provided output arrays: the engine preallocates them once per batch size,
 * because allocation churn costs as much as the small layers' arithmetic.
 */
final class NdOps {

    private NdOps() { }

    /** conv2d integer args: 3x3 stride 1 pad 1, NHWC data (1), weights [kH,kW,iC,oC] (0). */
    static int[] convArgs(int k) {
        return new int[]{k, k, 1, 1, k / 2, k / 2, 1, 1, 0, 1, 0};
    }

    /** 2x2/2 max-pool args, NHWC (last arg 1). */
    private static final int[] POOL = {2, 2, 2, 2, 0, 0, 1, 1, 0, 0, 1};

    /** Per-op wall time in ns when profiling is on (a development aid; see {@link #profile}). */
    static java.util.Map<String, long[]> profile;

    static void exec(String op, INDArray[] in, INDArray[] out, int[] iArgs, Double... tArgs) {
        long t0 = profile == null ? 0 : System.nanoTime();
        DynamicCustomOp.DynamicCustomOpsBuilder b = DynamicCustomOp.builder(op).addInputs(in).addOutputs(out);
        if (iArgs != null && iArgs.length > 0) b.addIntegerArguments(iArgs);
        if (tArgs.length > 0) b.addFloatingPointArguments(tArgs);
        Nd4j.exec(b.build());
        if (profile != null) {
            long[] v = profile.computeIfAbsent(op, k -> new long[2]);
            v[0] += System.nanoTime() - t0;
            v[1]++;
        }
    }

    /** Times a block under a name when profiling. */
    static void timed(String name, Runnable r) {
        long t0 = profile == null ? 0 : System.nanoTime();
        r.run();
        if (profile != null) {
            long[] v = profile.computeIfAbsent(name, k -> new long[2]);
            v[0] += System.nanoTime() - t0;
            v[1]++;
        }
    }

    static void conv2d(INDArray x, INDArray w, INDArray bias, INDArray out, int k) {
        INDArray[] in = bias == null ? new INDArray[]{x, w} : new INDArray[]{x, w, bias};
        exec("conv2d", in, new INDArray[]{out}, convArgs(k));
    }

    /** conv2d without padding, on an input that carries its own zero border. */
    static void conv2dValid(INDArray xPadded, INDArray w, INDArray out, int k) {
        exec("conv2d", new INDArray[]{xPadded, w}, new INDArray[]{out}, new int[]{k, k, 1, 1, 0, 0, 1, 1, 0, 1, 0});
    }

    static void conv2dBp(INDArray x, INDArray w, INDArray gOut, INDArray gIn, INDArray gW, int k) {
        exec("conv2d_bp", new INDArray[]{x, w, gOut}, new INDArray[]{gIn, gW}, convArgs(k));
    }

    /** Batch mean and biased variance over N,H,W (per channel). */
    static void moments(INDArray x, INDArray mean, INDArray var) {
        exec("moments", new INDArray[]{x}, new INDArray[]{mean, var}, new int[]{0, 1, 2});
    }

    static void batchnorm(INDArray x, INDArray mean, INDArray var, INDArray gamma, INDArray beta, INDArray out, double eps) {
        exec("batchnorm", new INDArray[]{x, mean, var, gamma, beta}, new INDArray[]{out}, new int[]{1, 1, 3}, eps);
    }

    /** Training-mode BatchNorm backward: mean and var are the batch statistics of x. */
    static void batchnormBp(INDArray x, INDArray mean, INDArray var, INDArray gamma, INDArray beta, INDArray gOut,
                            INDArray gIn, INDArray gMean, INDArray gVar, INDArray gGamma, INDArray gBeta, double eps) {
        exec("batchnorm_bp", new INDArray[]{x, mean, var, gamma, beta, gOut},
                new INDArray[]{gIn, gMean, gVar, gGamma, gBeta}, new int[]{1, 1, 3}, eps);
    }

    static void reluInPlace(INDArray x) {
        exec("relu", new INDArray[]{x}, new INDArray[]{x}, null, 0.0);
    }

    /** gIn = gOut where act > 0, else 0 (act may be the ReLU output: same sign pattern). */
    static void reluBp(INDArray act, INDArray gOut, INDArray gIn) {
        exec("relu_bp", new INDArray[]{act, gOut}, new INDArray[]{gIn}, null, 0.0);
    }

    static void maxpool(INDArray x, INDArray out) {
        exec("maxpool2d", new INDArray[]{x}, new INDArray[]{out}, POOL);
    }

    static void maxpoolBp(INDArray x, INDArray gOut, INDArray gIn) {
        exec("maxpool2d_bp", new INDArray[]{x, gOut}, new INDArray[]{gIn}, POOL);
    }
}
