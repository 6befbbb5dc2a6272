package org.emomc4j.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * The compression state of a network's layers: fixed pruning masks (kept exactly zero through
 * training) and forward-pass weight transforms (quantization, dynamic pruning) with their
 * transformed copies. Every precision backend takes its forward weights from {@link #forward}.
 */
final class CompressionHooks {

    private final ParameterStore ps;
    private final boolean[][] masks;
    /** Kept output channels of a conv layer's BatchNorm (null: all), see {@link #setChannelMask}. */
    private final boolean[][] channelMasks;
    /** 1/0 per parameter where a mask exists (null when no layer is masked). */
    INDArray maskFlat;
    private final WeightTransform[] transforms;
    private final INDArray[] effW;
    /** The transformed copies as Java arrays too (float models), so a backend reads them without another copy. */
    private final float[][] effArr;
    /** Per layer: effArr holds weights not yet written into effW (see {@link #forward}). */
    private final boolean[] effStale;
    /** Bumped whenever the forward weights may have changed; low-precision backends re-pack on change. */
    private long version;

    CompressionHooks(ParameterStore ps) {
        this.ps = ps;
        int L = ps.spec.size();
        masks = new boolean[L][];
        channelMasks = new boolean[L][];
        transforms = new WeightTransform[L];
        effW = new INDArray[L];
        effArr = new float[L][];
        effStale = new boolean[L];
    }

    void setMask(int layer, boolean[] keep) {
        LayerSpec s = ps.spec.layer(layer);
        if (keep == null) {
            masks[layer] = null;
            if (maskFlat != null) {
                ps.weightSegment(maskFlat, layer).assign(1.0);
                if (noMasks()) maskFlat = null;
            }
            return;
        }
        if (keep.length != s.weightCount())
            throw new IllegalArgumentException("mask for layer " + s.name() + " needs " + s.weightCount() + " entries, got " + keep.length);
        masks[layer] = keep.clone();
        if (maskFlat == null) maskFlat = Nd4j.ones(ps.dtype, ps.params.length());
        float[] f = new float[keep.length];
        for (int i = 0; i < f.length; i++) f[i] = keep[i] ? 1f : 0f;
        ps.weightSegment(maskFlat, layer).assign(Nd4j.createFromArray(f).castTo(ps.dtype));
        applyMask(layer);
    }

    private boolean noMasks() {
        return Arrays.stream(masks).allMatch(x -> x == null) && Arrays.stream(channelMasks).allMatch(x -> x == null);
    }

    /** BatchNorm channel mask of a conv layer (see {@code Model#setChannelMask}); null clears it. */
    void setChannelMask(int layer, boolean[] kept) {
        LayerSpec s = ps.spec.layer(layer);
        if (!s.isConv()) throw new IllegalArgumentException("layer " + s.name() + " has no BatchNorm: only conv channels can be masked");
        int c = s.outChannels();
        if (kept == null) {
            channelMasks[layer] = null;
            if (maskFlat != null) {
                ps.batchNormSegment(maskFlat, layer).assign(1.0);
                if (noMasks()) maskFlat = null;
            }
            return;
        }
        if (kept.length != c)
            throw new IllegalArgumentException("channel mask for layer " + s.name() + " needs " + c + " entries, got " + kept.length);
        channelMasks[layer] = kept.clone();
        if (maskFlat == null) maskFlat = Nd4j.ones(ps.dtype, ps.params.length());
        float[] f = new float[2 * c];
        for (int i = 0; i < c; i++) f[i] = f[i + c] = kept[i] ? 1f : 0f;
        INDArray m = ps.batchNormSegment(maskFlat, layer);
        m.assign(Nd4j.createFromArray(f).castTo(ps.dtype));
        ps.batchNormSegment(ps.params, layer).muli(m).addi(0.0);
        version++;
    }

    boolean[] channelMask(int layer) {
        return channelMasks[layer] == null ? null : channelMasks[layer].clone();
    }

    boolean[] mask(int layer) {
        return masks[layer] == null ? null : masks[layer].clone();
    }

    boolean hasMask(int layer) { return masks[layer] != null; }

    void applyMask(int layer) {
        // x * 0 is -0.0 for negative x; adding +0.0 turns it into +0.0 so pruned weights are exactly 0.
        ps.weightSegment(ps.params, layer).muli(ps.weightSegment(maskFlat, layer)).addi(0.0);
        version++;
    }

    void applyMasks() {
        if (maskFlat != null) ps.params.muli(maskFlat).addi(0.0); // +0.0: see applyMask
        version++;
    }

    /** Zeroes the gradients of pruned weights. */
    void maskGradients() {
        if (maskFlat != null) ps.grads.muli(maskFlat);
    }

    void setTransform(int layer, WeightTransform t) {
        ps.spec.layer(layer);
        transforms[layer] = t;
        if (t != null && effW[layer] == null) effW[layer] = Nd4j.create(ps.dtype, ps.spec.layer(layer).weightShape());
        if (t == null) effW[layer] = null;
        effArr[layer] = null;
        effStale[layer] = false;
        version++;
    }

    WeightTransform transform(int layer) { return transforms[layer]; }

    /** Marks the forward weights as changed (the stored weights were written). */
    void touch() { version++; }

    long version() { return version; }

    /** A copy of the stored weights of a layer, flattened in weight-shape order. */
    float[] stored(int layer) {
        INDArray copy = ps.w[layer].dup('c');
        if (ps.dtype != org.nd4j.linalg.api.buffer.DataType.FLOAT) return copy.data().asFloat();
        // One bulk copy out of the native buffer (asFloat reads element by element).
        float[] out = new float[(int) copy.length()];
        ((org.bytedeco.javacpp.FloatPointer) copy.data().addressPointer()).get(out, 0, out.length);
        return out;
    }

    /**
     * Recomputes every transformed copy from the stored weights (before each forward pass).
     * Transforms are deterministic functions of (layer, weights), so this does not change
     * {@link #version()}: only new weights, masks or transforms do.
     */
    void refresh() {
        for (int l = 0; l < ps.spec.size(); l++) {
            WeightTransform t = transforms[l];
            if (t == null) continue;
            LayerSpec s = ps.spec.layer(l);
            float[] out = t.apply(s, t.readsWeights(s) ? stored(l) : null);
            if (out == null || out.length != s.weightCount())
                throw new IllegalStateException("weight transform of layer " + s.name() + " returned "
                        + (out == null ? "null" : out.length + " weights") + ", expected " + s.weightCount());
            if (ps.dtype == org.nd4j.linalg.api.buffer.DataType.FLOAT && effW[l].isView() == false && effW[l].ordering() == 'c') {
                // Written into the native buffer only when an ND4J pass asks for it (forward): the low-precision
                // backends read the array (forwardArray), so a scored candidate skips that copy.
                effArr[l] = out;
                effStale[l] = true;
            } else {
                effW[l].assign(Nd4j.create(out, s.weightShape(), 'c').castTo(ps.dtype));
                effArr[l] = null;
                effStale[l] = false;
            }
        }
    }

    /**
     * A layer's forward weights as a flat array in weight-shape order: the transformed copy of the
     * last {@link #refresh} when there is one (shared: callers must not modify it), else a copy of
     * the stored weights.
     */
    float[] forwardArray(int l) {
        if (transforms[l] != null && effArr[l] != null) return effArr[l];
        return forward(l).dup('c').data().asFloat();
    }

    /** The weights a layer's forward pass uses: the transformed copy, or the stored weights. */
    INDArray forward(int l) {
        if (transforms[l] == null) return ps.w[l];
        if (effStale[l]) {
            // One bulk copy into the native buffer (Nd4j.create(float[]) puts element by element).
            float[] a = effArr[l];
            ((org.bytedeco.javacpp.FloatPointer) effW[l].data().addressPointer()).put(a, 0, a.length);
            effStale[l] = false;
        }
        return effW[l];
    }
}
