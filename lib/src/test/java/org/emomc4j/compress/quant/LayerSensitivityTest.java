package org.emomc4j.compress.quant;

import org.emomc4j.data.ImageSet;
import org.emomc4j.nn.Model;
import org.emomc4j.nn.NetworkSpec;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Per-layer sensitivity on a tiny network. */
class LayerSensitivityTest {

    @Test
    void oneLayerAtAFewBitsMatchesQuantizingThatLayerByHand() {
        NetworkSpec spec = NetworkSpec.vgg("vgg16", 1.0 / 16);
        Model model = Model.create(spec, 11);
        ImageSet images = ImageSet.random(96, 3);
        float[] before = model.weights(3);
        List<int[]> calls = new ArrayList<>();
        var s = LayerSensitivity.measure(model, images, new int[]{2, 32}, 48, (l, b, a) -> calls.add(new int[]{l, b}));

        assertEquals(spec.size(), s.layers().size());
        assertEquals(2 * spec.size(), calls.size());
        assertEquals(model.accuracy(images, 48), s.baseline(), 0.0);
        assertArrayEquals(before, model.weights(3), "the stored weights are untouched");
        for (int l = 0; l < spec.size(); l++) assertNull(model.weightTransform(l), "transforms cleared");

        // at 32 bits the quantizer is the identity up to float rounding: the accuracy is the baseline's
        for (int l = 0; l < spec.size(); l++) assertEquals(s.baseline(), s.accuracy()[l][1], 1.0 / images.size() + 1e-12);
        // layer 3 at 2 bits equals quantizing its weights by hand
        Model byHand = Model.create(spec, 11);
        byHand.setWeights(3, UniformQuantizer.symmetric(byHand.weights(3), 2).dequantize());
        assertEquals(byHand.accuracy(images, 48), s.accuracy()[3][0], 1.0 / images.size() + 1e-12);
        int worst = s.mostSensitive(0);
        for (int l = 0; l < spec.size(); l++) assertTrue(s.loss(worst, 0) >= s.loss(l, 0));
    }

    @Test
    void refusesBadBits() {
        Model model = Model.create(NetworkSpec.vgg("vgg16", 1.0 / 16), 1);
        assertThrows(IllegalArgumentException.class, () -> LayerSensitivity.measure(model, ImageSet.random(8, 1), new int[]{1}, 8, null));
        assertThrows(IllegalArgumentException.class, () -> LayerSensitivity.measure(model, ImageSet.random(8, 1), new int[0], 8, null));
    }
}
