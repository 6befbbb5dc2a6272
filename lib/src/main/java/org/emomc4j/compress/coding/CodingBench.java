package org.emomc4j.compress.coding;

import org.emomc4j.bench.BenchSection;
import org.emomc4j.compress.prune.MagnitudePruning;
import org.emomc4j.compress.quant.QuantizedTensor;
import org.emomc4j.compress.quant.UniformQuantizer;
import org.emomc4j.nn.NetworkSpec;

import java.util.LinkedHashMap;
import java.util.Random;

/**
 * Benchmark of the parameter coders on VGG-16's conv8 (2,359,296 weights) pruned to r = 0.5 and
 * quantized to 8 bits. Rates are in MB/s of the layer's fp32 weights (4 bytes per weight,
 * 1 MB = 1e6 bytes), encode and decode separately; target >= 50 MB/s for every scheme.
 */
public final class CodingBench implements BenchSection {

    @Override public String name() { return "coding"; }

    @Override
    public LinkedHashMap<String, Object> run(BenchContext ctx) {
        int n = (int) NetworkSpec.vgg16().layer(8).weightCount();
        Random rnd = new Random(1);
        float[] w = new float[n];
        for (int i = 0; i < n; i++) w[i] = (float) (rnd.nextGaussian() * 0.02);
        MagnitudePruning.prune(w, 0.5);
        QuantizedTensor t = UniformQuantizer.symmetric(w, 8);
        double mb = n * 4 / 1e6;
        int reps = ctx.quick() ? 3 : 7;
        LinkedHashMap<String, Object> f = new LinkedHashMap<>();
        f.put("layer_weights", n);
        for (ParameterCoder c : ParameterCoder.all()) {
            byte[] s = c.encode(t);
            c.decode(s); // warm-up
            c.encode(t);
            double enc = Double.MAX_VALUE, dec = Double.MAX_VALUE;
            for (int r = 0; r < reps; r++) {
                long t0 = System.nanoTime();
                s = c.encode(t);
                long t1 = System.nanoTime();
                QuantizedTensor back = c.decode(s);
                long t2 = System.nanoTime();
                if (!back.equals(t)) throw new IllegalStateException(c.name() + " does not round-trip");
                enc = Math.min(enc, (t1 - t0) / 1e9);
                dec = Math.min(dec, (t2 - t1) / 1e9);
            }
            f.put(c.name() + "_encode_MBps", mb / enc);
            f.put(c.name() + "_decode_MBps", mb / dec);
            f.put(c.name() + "_stream_kB", s.length / 1024.0);
            f.put(c.name() + "_closed_form_kB", c.closedFormBits(t) / 8192.0);
        }
        LinkedHashMap<String, Object> out = new LinkedHashMap<>();
        out.put("coding", f);
        return out;
    }
}
