package org.emomc4j.compress;

import org.emomc4j.compress.coding.Coding;
import org.emomc4j.compress.coding.CsrCoder;
import org.emomc4j.compress.coding.DenseCoder;
import org.emomc4j.compress.coding.SizeModel;
import org.emomc4j.nn.Model;
import org.emomc4j.nn.NetworkSpec;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Whole-network stream sizes beside the closed forms. */
class StreamSizesTest {

    static final NetworkSpec TINY = NetworkSpec.vgg("vgg16", 1.0 / 16);

    @Test
    void denseStreamIsTheClosedFormPlusOneHeaderPerLayerRoundedToBytes() {
        Model model = Model.create(TINY, 2);
        var rows = StreamSizes.measure(model, new double[]{1.0, 0.5}, new int[]{4}, List.of(new DenseCoder(), new CsrCoder()));
        assertEquals(2, rows.size());
        for (var row : rows) {
            long bytes = 0;
            for (var l : TINY.layers()) bytes += (144 + l.weightCount() * 4 + 7) / 8;   // header, N codes, padding
            assertEquals(bytes / 1024.0, row.streamKiB().get("dense"), 1e-12, "r = " + row.remaining());
            assertEquals(SizeModel.of(TINY).kibibytes(CompressionPlan.uniform(TINY, row.remaining(), 4), Coding.CSR),
                    row.closedFormKiB().get(Coding.CSR), 1e-12);
        }
        // CSR stores only the kept weights: half the weights, a much smaller stream
        assertTrue(rows.get(1).streamKiB().get("csr") < 0.7 * rows.get(0).streamKiB().get("csr"));
        assertEquals(List.of(1.0, 0.5), rows.stream().map(StreamSizes.Row::remaining).toList());
    }
}
