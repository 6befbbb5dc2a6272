package org.emomc4j.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Every number of a network, layer by layer: the compressible weights plus what the paper does
 * not compress (BatchNorm gamma/beta and running statistics, the FC bias). This is what another
 * framework needs to run the same network (the DL4J bridge); the order and layouts are those of
 * the checkpoint format ({@link Checkpoint}): conv weights HWIO, FC weights [in, out].
 */
public final class NetworkParameters {

    /**
     * One layer's parameters, copies. Conv layers have gamma, beta, mean and var (one entry per
     * output channel) and a null bias; the FC layer has a bias and null BatchNorm arrays.
     */
    public record Layer(float[] weights, float[] gamma, float[] beta, float[] mean, float[] var, float[] bias) { }

    private NetworkParameters() { }

    /** The parameters of every layer of {@code m}, in {@link NetworkSpec#layers()} order. */
    public static List<Layer> read(Model m) {
        float[] p = m.paramsArray(), rm = m.runningArray(false), rv = m.runningArray(true);
        List<Layer> out = new ArrayList<>();
        int off = 0, bn = 0;
        for (LayerSpec s : m.spec().layers()) {
            int n = Math.toIntExact(s.weightCount()), c = s.outChannels();
            float[] w = Arrays.copyOfRange(p, off, off + n);
            off += n;
            if (s.isConv()) {
                out.add(new Layer(w, Arrays.copyOfRange(p, off, off + c), Arrays.copyOfRange(p, off + c, off + 2 * c),
                        Arrays.copyOfRange(rm, bn, bn + c), Arrays.copyOfRange(rv, bn, bn + c), null));
                off += 2 * c;
                bn += c;
            } else {
                out.add(new Layer(w, null, null, null, null, Arrays.copyOfRange(p, off, off + c)));
                off += c;
            }
        }
        return out;
    }

    /** Replaces every parameter of {@code m} (masks are cleared: the values carry the zeros). */
    public static void write(Model m, List<Layer> layers) {
        NetworkSpec spec = m.spec();
        if (layers.size() != spec.size())
            throw new IllegalArgumentException(spec.id() + " has " + spec.size() + " layers, got parameters of " + layers.size());
        float[] p = new float[Math.toIntExact(m.paramCount())];
        float[] rm = new float[Math.toIntExact(m.bnCount())], rv = new float[rm.length];
        Arrays.fill(rv, 1f);
        int off = 0, bn = 0;
        for (int l = 0; l < spec.size(); l++) {
            LayerSpec s = spec.layer(l);
            Layer x = layers.get(l);
            int n = Math.toIntExact(s.weightCount()), c = s.outChannels();
            off = put(p, off, x.weights(), n, s, "weights");
            if (s.isConv()) {
                off = put(p, off, x.gamma(), c, s, "gamma");
                off = put(p, off, x.beta(), c, s, "beta");
                put(rm, bn, x.mean(), c, s, "running mean");
                bn = put(rv, bn, x.var(), c, s, "running variance");
            } else {
                off = put(p, off, x.bias(), c, s, "bias");
            }
        }
        for (int l = 0; l < spec.size(); l++) m.setMask(l, null);
        m.setParamsArray(p);
        m.setRunningArray(false, rm);
        m.setRunningArray(true, rv);
    }

    /**
     * Every number of a network as the checkpoint stores them: all parameters in one array (each
     * layer's weights at {@code weightOffset[l]}, then its BatchNorm gamma and beta or its bias)
     * and the running statistics. Written back in one bulk copy ({@link #write(Model, Flat)}), so a
     * held copy of a network is cheap to restore (stage 2 switches between stage-1 networks so).
     */
    public record Flat(float[] params, float[] mean, float[] var, int[] weightOffset) {

        /** Layer l's weights, a copy. */
        public float[] weights(NetworkSpec spec, int l) {
            return Arrays.copyOfRange(params, weightOffset[l], weightOffset[l] + Math.toIntExact(spec.layer(l).weightCount()));
        }

        /** Replaces layer l's weights in this copy. */
        public void setWeights(NetworkSpec spec, int l, float[] w) {
            if (w.length != spec.layer(l).weightCount())
                throw new IllegalArgumentException("layer " + spec.layer(l).name() + " has " + spec.layer(l).weightCount() + " weights, got " + w.length);
            System.arraycopy(w, 0, params, weightOffset[l], w.length);
        }
    }

    /** The parameters of {@code m} as one flat copy. */
    public static Flat flat(Model m) {
        NetworkSpec spec = m.spec();
        int[] offsets = new int[spec.size()];
        int off = 0;
        for (int l = 0; l < spec.size(); l++) {
            offsets[l] = off;
            LayerSpec s = spec.layer(l);
            off += Math.toIntExact(s.weightCount()) + (s.isConv() ? 2 : 1) * s.outChannels();
        }
        return new Flat(m.paramsArray(), m.runningArray(false), m.runningArray(true), offsets);
    }

    /** Replaces every parameter of {@code m} with a flat copy of a network of its architecture (masks are cleared). */
    public static void write(Model m, Flat f) {
        if (f.params().length != m.paramCount() || f.mean().length != m.bnCount())
            throw new IllegalArgumentException(m.spec().id() + " has " + m.paramCount() + " parameters, got " + f.params().length);
        for (int l = 0; l < m.spec().size(); l++) m.setMask(l, null);
        m.setParamsArray(f.params());
        m.setRunningArray(false, f.mean());
        m.setRunningArray(true, f.var());
    }

    private static int put(float[] dst, int off, float[] src, int n, LayerSpec s, String what) {
        if (src == null || src.length != n)
            throw new IllegalArgumentException("layer " + s.name() + ": " + what + " needs " + n + " values, got "
                    + (src == null ? "none" : src.length));
        System.arraycopy(src, 0, dst, off, n);
        return off + n;
    }
}
