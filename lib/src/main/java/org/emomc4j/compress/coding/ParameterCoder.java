package org.emomc4j.compress.coding;

import org.emomc4j.compress.quant.QuantizedTensor;

import java.util.List;

/**
 * A real parameter coder: writes a pruned and quantized layer ({@link QuantizedTensor}: integer
 * codes, bit-width, scales, zero point) to a byte stream and reads it back, with
 * decode(encode(x)) equal to x. Every stream starts with the same header (scheme id, bit-width,
 * signedness, N, zero point, scales); a code equal to the zero point is a zero weight, which the
 * sparse schemes skip.
 *
 * <p>{@link #closedFormBits} is the reference's closed-form size of the scheme (or of the
 * scheme it entropy-codes, for Huffman), for comparison with the exact stream size.
 *
 * <p>The method, formulas and choices: {@code docs/method.md#model-size}.
 */
public interface ParameterCoder {

    /** Short name: dense, csr, coo, bitmap, huffman-values, huffman-csr. */
    String name();

    /** The reference size scheme this coder realises (Huffman coders: the layout they compress). */
    Coding coding();

    byte[] encode(QuantizedTensor layer);

    QuantizedTensor decode(byte[] stream);

    /** The reference's closed-form size of this layer, in bits (header not counted). */
    default double closedFormBits(QuantizedTensor layer) {
        long n = layer.codes().length;
        double r = n == 0 ? 0 : (double) layer.nonZeros() / n;
        return coding().closedFormBits(n, r, layer.bits());
    }

    /** Exact stream size and closed-form size of one layer. */
    default Sizes sizes(QuantizedTensor layer) {
        byte[] s = encode(layer);
        return new Sizes(s.length, StreamHeader.bits(layer), closedFormBits(layer));
    }

    /**
     * @param streamBytes    exact encoded size, header included
     * @param headerBits     of which header
     * @param closedFormBits the reference formula
     */
    record Sizes(long streamBytes, long headerBits, double closedFormBits) {
        public long streamBits() { return streamBytes * 8; }
    }

    /** Every coder, in a fixed order. */
    static List<ParameterCoder> all() {
        return List.of(new DenseCoder(), new CsrCoder(), new CooCoder(), new BitmapCoder(),
                new HuffmanValuesCoder(), new HuffmanCsrCoder());
    }

    /** The coder called {@code name} (see {@link #name()}). */
    static ParameterCoder byName(String name) {
        for (ParameterCoder c : all()) if (c.name().equalsIgnoreCase(name.trim())) return c;
        throw new IllegalArgumentException("unknown coder '" + name + "': use one of " + all().stream().map(ParameterCoder::name).toList());
    }

    /** The plain coder of a reference scheme. */
    static ParameterCoder of(Coding coding) {
        return switch (coding) {
            case DENSE -> new DenseCoder();
            case CSR -> new CsrCoder();
            case COO -> new CooCoder();
            case BITMAP -> new BitmapCoder();
        };
    }
}
