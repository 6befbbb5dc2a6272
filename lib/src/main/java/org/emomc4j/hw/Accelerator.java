package org.emomc4j.hw;

/**
 * The <em>architecture</em> part of the energy question (as Accelergy splits it): energy per
 * access of each memory level and energy per MAC by precision. Access energies are per 16-bit
 * word and scale linearly with the bits moved; a MAC's multiplier scales with w_bits * a_bits
 * and its adder with the accumulator width.
 *
 * <p>The method, formulas and presets: {@code docs/method.md#energy}.
 *
 * @param name        preset name
 * @param unit        unit of the energies after {@link #toUnit} scaling ({@code normalised} or {@code mJ})
 * @param toUnit      factor from the table's numbers to {@code unit} (1 for normalised, 1e-9 for pJ -> mJ)
 * @param dram        off-chip DRAM, per 16-bit word
 * @param buffer      on-chip global buffer, per 16-bit word
 * @param array       inter-PE network (array), per 16-bit word
 * @param rf          PE register file, per 16-bit word
 * @param mult16      16 x 16-bit multiply
 * @param add16       16-bit add
 */
public record Accelerator(String name, String unit, double toUnit, double dram, double buffer, double array,
                          double rf, double mult16, double add16) {

    /**
     * Eyeriss normalised costs (Chen et al., ISCA 2016): DRAM 200, buffer 6, array 2, RF 1, MAC 1
     * (16-bit). The MAC is split 0.9 multiplier / 0.1 adder to scale it with precision.
     */
    public static Accelerator eyeriss() {
        return new Accelerator("eyeriss", "normalised", 1.0, 200, 6, 2, 1, 0.9, 0.1);
    }

    /**
     * 45 nm figures after Horowitz (ISSCC 2014), in pJ per 16-bit word: DRAM ~1.95 nJ / 64 bit,
     * a ~100 KB SRAM buffer (between 32 KB at 20 pJ and 1 MB at 100 pJ per 64 bit), a short on-chip
     * hop, a small register file; 16-bit multiply 0.8 pJ (quadratic between 8 bit 0.2 and 32 bit
     * 3.1), 16-bit add 0.05 pJ. Reported in mJ.
     */
    public static Accelerator horowitz45() {
        return new Accelerator("horowitz45", "mJ", 1e-9, 487.5, 10, 2, 0.5, 0.8, 0.05);
    }

    /** Energy of one MAC with these operand and accumulator widths. */
    public double mac(int weightBits, int activationBits, int accumulatorBits) {
        return mult16 * (weightBits * (double) activationBits) / 256.0 + add16 * accumulatorBits / 16.0;
    }
}
