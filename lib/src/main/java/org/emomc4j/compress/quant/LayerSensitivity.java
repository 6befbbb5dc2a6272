package org.emomc4j.compress.quant;

import org.emomc4j.data.ImageSet;
import org.emomc4j.nn.Model;
import org.emomc4j.nn.NetworkSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * Per-layer bit sensitivity: the accuracy of a network with ONE layer quantized (symmetric, the
 * paper's quantizer) to b bits and every other layer left at full precision. Layers that keep their
 * accuracy at 2-3 bits are where the stage-2 search saves; sensitive ones keep more bits.
 *
 * @param layers   layer names, in network order
 * @param bits     the bit-widths probed
 * @param accuracy accuracy[l][k]: layer l alone at bits[k]
 * @param baseline accuracy with no layer quantized
 * @param images   number of images every accuracy is measured on
 */
public record LayerSensitivity(List<String> layers, int[] bits, double[][] accuracy, double baseline, int images) {

    /** Called after every measurement (layer index, bits, accuracy), e.g. for progress output. */
    public interface Listener {
        void measured(int layer, int bits, double accuracy);
    }

    /**
     * Measures every layer at every bit-width on {@code images}. The model's weights are not changed;
     * its weight transforms are cleared before and after.
     */
    public static LayerSensitivity measure(Model model, ImageSet images, int[] bits, int batchSize, Listener listener) {
        if (bits.length == 0) throw new IllegalArgumentException("no bit-widths to probe");
        for (int b : bits) if (b < 2 || b > 32) throw new IllegalArgumentException("bits must be 2..32, got " + b);
        NetworkSpec spec = model.spec();
        model.clearWeightTransforms();
        double base = model.accuracy(images, batchSize);
        List<String> names = new ArrayList<>();
        double[][] acc = new double[spec.size()][bits.length];
        try {
            for (int l = 0; l < spec.size(); l++) {
                names.add(spec.layer(l).name());
                for (int k = 0; k < bits.length; k++) {
                    final int layer = l, b = bits[k];
                    model.clearWeightTransforms();
                    model.setWeightTransform(l, FakeQuantization.symmetric(ls -> ls.index() == layer ? b : 32));
                    acc[l][k] = model.accuracy(images, batchSize);
                    if (listener != null) listener.measured(l, b, acc[l][k]);
                }
            }
        } finally {
            model.clearWeightTransforms();
        }
        return new LayerSensitivity(List.copyOf(names), bits.clone(), acc, base, images.size());
    }

    /** Accuracy lost (baseline minus accuracy) by layer l alone at bits[k]. */
    public double loss(int layer, int k) { return baseline - accuracy[layer][k]; }

    /** Index of the layer that loses most at bits[k]. */
    public int mostSensitive(int k) {
        int best = 0;
        for (int l = 1; l < accuracy.length; l++) if (accuracy[l][k] < accuracy[best][k]) best = l;
        return best;
    }
}
