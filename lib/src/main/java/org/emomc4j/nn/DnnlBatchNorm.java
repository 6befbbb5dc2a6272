package org.emomc4j.nn;

import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.batch_normalization_backward;
import org.bytedeco.dnnl.batch_normalization_forward;
import org.bytedeco.dnnl.memory;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.HashMap;
import java.util.Map;

import static org.bytedeco.dnnl.global.dnnl.*;
import static org.emomc4j.nn.DnnlTrainConv.address;

/**
 * Training-mode BatchNorm+ReLU of one conv layer on oneDNN, in fp32 on the engine's ND4J buffers
 * (batch statistics, biased variance, as the Java passes of {@link FusedBn}): used by bf16
 * training, where the Java passes would otherwise take as long as all the convolutions. gamma and
 * beta are adjacent in the flat parameter buffer (and their gradients in the gradient buffer), which
 * is oneDNN's [2, C] scale-shift layout.
 */
final class DnnlBatchNorm {

    private final int c, h, w;
    private final Map<Integer, P> prims = new HashMap<>();

    DnnlBatchNorm(LayerSpec s) {
        this.c = s.outChannels(); this.h = s.outH(); this.w = s.outW();
    }

    private final class P {
        final batch_normalization_forward fwd;
        final batch_normalization_backward bwd;
        final memory z, a, mean, var, ss, ws, g, gz, dss;
        final IntMemoryMap fa = new IntMemoryMap(), ba = new IntMemoryMap();

        P(int n) {
            memory.desc d = Dnnl.nhwc(n, c, h, w, memory.data_type.f32);
            int flags = normalization_flags.use_scale_shift.value | normalization_flags.fuse_norm_relu.value;
            batch_normalization_forward.primitive_desc fp = new batch_normalization_forward.primitive_desc(
                    new batch_normalization_forward.desc(prop_kind.forward_training.value, d, (float) Model.BN_EPS, flags), Dnnl.engine());
            batch_normalization_backward.primitive_desc bp = new batch_normalization_backward.primitive_desc(
                    new batch_normalization_backward.desc(prop_kind.backward.value, d, d, (float) Model.BN_EPS, flags), Dnnl.engine(), fp);
            fwd = new batch_normalization_forward(fp);
            bwd = new batch_normalization_backward(bp);
            memory.desc vec = Dnnl.vector(c, memory.data_type.f32), two = new memory.desc(new long[]{2, c}, memory.data_type.f32, memory.format_tag.nc);
            z = user(d); a = user(d); g = user(d); gz = user(d);
            mean = user(vec); var = user(vec); ss = user(two); dss = user(two);
            ws = Dnnl.alloc(fp.workspace_desc());
            fa.put(DNNL_ARG_SRC, z); fa.put(DNNL_ARG_DST, a); fa.put(DNNL_ARG_MEAN, mean); fa.put(DNNL_ARG_VARIANCE, var);
            fa.put(DNNL_ARG_SCALE_SHIFT, ss); fa.put(DNNL_ARG_WORKSPACE, ws);
            ba.put(DNNL_ARG_SRC, z); ba.put(DNNL_ARG_MEAN, mean); ba.put(DNNL_ARG_VARIANCE, var); ba.put(DNNL_ARG_DIFF_DST, g);
            ba.put(DNNL_ARG_SCALE_SHIFT, ss); ba.put(DNNL_ARG_WORKSPACE, ws); ba.put(DNNL_ARG_DIFF_SRC, gz);
            ba.put(DNNL_ARG_DIFF_SCALE_SHIFT, dss);
        }

        private memory user(memory.desc d) { return new memory(d, Dnnl.engine(), (Pointer) null); }
    }

    private P prim(int n) { return prims.computeIfAbsent(n, P::new); }

    /** a = relu(gamma (z - mean) / sqrt(var + eps) + beta) with the batch's mean and biased variance (written out). */
    void forward(int n, INDArray z, INDArray a, INDArray gamma, INDArray mean, INDArray var) {
        P p = prim(n);
        p.z.set_data_handle(address(z));
        p.a.set_data_handle(address(a));
        p.ss.set_data_handle(address(gamma)); // gamma, then beta
        p.mean.set_data_handle(address(mean));
        p.var.set_data_handle(address(var));
        Dnnl.run(p.fwd, p.fa);
    }

    /** From g = dLoss/da: gZ, and d gamma, d beta into gGamma (followed by gBeta in the gradient buffer). */
    void backward(int n, INDArray z, INDArray g, INDArray gZ, INDArray gamma, INDArray mean, INDArray var, INDArray gGamma) {
        P p = prim(n);
        p.z.set_data_handle(address(z));
        p.g.set_data_handle(address(g));
        p.gz.set_data_handle(address(gZ));
        p.ss.set_data_handle(address(gamma));
        p.mean.set_data_handle(address(mean));
        p.var.set_data_handle(address(var));
        p.dss.set_data_handle(address(gGamma));
        Dnnl.run(p.bwd, p.ba);
    }
}
