package org.emomc4j.search;

import java.util.Arrays;
import java.util.Locale;

/**
 * The paper's genome after decoding: one remaining fraction r shared by every layer (snapped to
 * the stage-1 grid) and one integer weight bit-width per compressible layer.
 */
public record Genome(double remaining, int[] bits) {

    public Genome {
        bits = bits.clone();
    }

    /**
     * Mean bit-width of every layer over some genomes (a front): where a search spends its bits.
     * NaN per layer for no genomes; every genome must have {@code layers} bit-widths.
     */
    public static double[] meanBits(java.util.List<Genome> genomes, int layers) {
        double[] m = new double[layers];
        for (Genome g : genomes) {
            if (g.layers() != layers) throw new IllegalArgumentException("genome " + g + " has " + g.layers() + " layers, not " + layers);
            for (int l = 0; l < layers; l++) m[l] += g.bits[l];
        }
        for (int l = 0; l < layers; l++) m[l] = genomes.isEmpty() ? Double.NaN : m[l] / genomes.size();
        return m;
    }

    @Override
    public int[] bits() { return bits.clone(); }

    public int bits(int layer) { return bits[layer]; }

    public int layers() { return bits.length; }

    /** Canonical text, also the cache key: {@code 0.45|8,6,5,...}. */
    public String key() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%.4f|", remaining));
        for (int i = 0; i < bits.length; i++) {
            if (i > 0) sb.append(',');
            sb.append(bits[i]);
        }
        return sb.toString();
    }

    /** Parses {@link #key()}. */
    public static Genome parse(String key) {
        String[] parts = key.split("\\|");
        if (parts.length != 2) throw new IllegalArgumentException("bad genome '" + key + "': expected r|b0,b1,...");
        return new Genome(Double.parseDouble(parts[0]),
                Arrays.stream(parts[1].split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Genome g && Double.compare(g.remaining, remaining) == 0 && Arrays.equals(g.bits, bits);
    }

    @Override
    public int hashCode() { return 31 * Double.hashCode(remaining) + Arrays.hashCode(bits); }

    @Override
    public String toString() { return "Genome[" + key() + "]"; }
}
