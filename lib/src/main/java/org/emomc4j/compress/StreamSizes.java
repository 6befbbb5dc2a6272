package org.emomc4j.compress;

import org.emomc4j.compress.coding.Coding;
import org.emomc4j.compress.coding.ParameterCoder;
import org.emomc4j.compress.coding.SizeModel;
import org.emomc4j.nn.Model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Real coded sizes of a trained network beside the closed forms the search uses: for every uniform
 * plan (r, b), the network is pruned and quantized as stage 2 does ({@link ReferenceCompression})
 * and written by every coder. The streams can be smaller than the closed forms (the quantizer
 * rounds small kept weights to zero, and sparse streams store only non-zeros) or larger (headers,
 * CSR padding entries), docs/method.md#exact-streams.
 */
public final class StreamSizes {

    /**
     * One plan's sizes in KiB.
     *
     * @param streamKiB     coder name to the real stream size
     * @param closedFormKiB coding to the closed-form size (the paper's three)
     */
    public record Row(double remaining, int bits, Map<String, Double> streamKiB, Map<Coding, Double> closedFormKiB) { }

    private StreamSizes() { }

    /** Sizes of {@code model} at every (r, b) of the two lists, r outer. */
    public static List<Row> measure(Model model, double[] remaining, int[] bits, List<ParameterCoder> coders) {
        SizeModel sizes = SizeModel.of(model.spec());
        List<Row> rows = new ArrayList<>();
        for (double r : remaining) {
            for (int b : bits) {
                CompressionPlan plan = CompressionPlan.uniform(model.spec(), r, b);
                Map<String, Double> stream = new LinkedHashMap<>();
                for (ParameterCoder c : coders) stream.put(c.name(), ReferenceCompression.encodedBytes(model, plan, c) / 1024.0);
                Map<Coding, Double> closed = new LinkedHashMap<>();
                for (Coding c : Coding.PAPER) closed.put(c, sizes.kibibytes(plan, c));
                rows.add(new Row(r, b, java.util.Collections.unmodifiableMap(stream), java.util.Collections.unmodifiableMap(closed)));
            }
        }
        return rows;
    }
}
