package org.emomc4j.nn;

/**
 * One compressible layer of a network, described by shape alone: what the paper's cost models
 * (energy per dataflow, size per coding scheme) need, with no weights and no ND4J arrays.
 *
 * <p>For a convolution, {@code kernel} is k of a k x k kernel, {@code inH/inW} the input map
 * and {@code outH/outW} the output map (stride 1, padding k/2 in VGG, so they are equal). A fully
 * connected layer has {@code kernel = 1} and 1 x 1 maps.
 *
 * @param index       position among the network's compressible layers (0-based; the genome's q index)
 * @param name        human name, e.g. {@code conv3} or {@code fc}
 * @param kind        convolution or fully connected
 * @param kernel      kernel side k (1 for FC)
 * @param inChannels  C_in (FC: input features)
 * @param outChannels C_out (FC: output features)
 * @param groups      convolution groups g (1 in VGG)
 * @param inH         input map height
 * @param inW         input map width
 * @param outH        output map height (before any pooling that follows)
 * @param outW        output map width
 * @param poolAfter   whether a 2x2 max-pool follows this layer
 */
public record LayerSpec(int index, String name, Kind kind, int kernel, int inChannels, int outChannels,
                        int groups, int inH, int inW, int outH, int outW, boolean poolAfter) {

    /** Layer type; the energy model treats FC layers as always output-stationary. */
    public enum Kind { CONV, FC }

    public LayerSpec {
        if (kernel < 1 || inChannels < 1 || outChannels < 1 || groups < 1)
            throw new IllegalArgumentException("layer " + name + ": kernel, channels and groups must be >= 1");
        if (inChannels % groups != 0 || outChannels % groups != 0)
            throw new IllegalArgumentException("layer " + name + ": channels must be divisible by groups");
    }

    public boolean isConv() { return kind == Kind.CONV; }

    /** S = H_out * W_out, the output map size of the reference energy model (1 for FC). */
    public int outputMapSize() { return outH * outW; }

    /** N_l: number of weights (biases and BatchNorm parameters are not compressed). */
    public long weightCount() {
        return (long) kernel * kernel * inChannels * outChannels / groups;
    }

    /** Multiply-accumulates of one inference: k^2 * S * (C_in/g) * (C_out/g) * g. */
    public long macs() {
        return (long) kernel * kernel * outputMapSize() * (inChannels / groups) * (long) (outChannels / groups) * groups;
    }

    /** Weight tensor shape in the engine's layout: conv [k, k, C_in/g, C_out] (HWIO), FC [in, out]. */
    public long[] weightShape() {
        return isConv() ? new long[]{kernel, kernel, inChannels / groups, outChannels}
                        : new long[]{inChannels, outChannels};
    }
}
