package org.emomc4j.compress;

import org.emomc4j.compress.coding.ParameterCoder;
import org.emomc4j.compress.quant.QuantizedTensor;
import org.emomc4j.nn.LayerSpec;
import org.emomc4j.nn.NetworkSpec;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ReferenceCompressionTest {

    @Test
    void transformAndCodesAgree() {
        NetworkSpec vgg = NetworkSpec.vgg16();
        LayerSpec l = vgg.layer(3);
        float[] w = new float[(int) l.weightCount()];
        Random rnd = new Random(2);
        for (int i = 0; i < w.length; i++) w[i] = (float) rnd.nextGaussian();
        CompressionPlan plan = CompressionPlan.uniform(vgg, 0.37, 5);
        QuantizedTensor q = ReferenceCompression.compressLayer(l, w, plan);
        float[] viaHook = ReferenceCompression.transform(plan).apply(l, w.clone());
        float[] fromCodes = q.dequantize();
        for (int i = 0; i < w.length; i++) assertEquals(viaHook[i], fromCodes[i], Math.ulp(viaHook[i]) * 2 + 1e-30f);
        assertEquals(w.length - Math.rint(w.length * 0.63), q.nonZeros(), 0.0);
        for (ParameterCoder c : ParameterCoder.all()) assertEquals(q, c.decode(c.encode(q)));
        assertArrayEquals(q.codes(), ParameterCoder.byName("csr").decode(ParameterCoder.byName("csr").encode(q)).codes());
    }
}
