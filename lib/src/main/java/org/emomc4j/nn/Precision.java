package org.emomc4j.nn;

import org.emomc4j.util.UserError;
import java.util.Locale;

/**
 * The arithmetic a network is evaluated (or trained) in. The paper's accuracies are fp32;
 * bf16 and int8 are faster CPU paths (oneDNN's AVX512_BF16 and VNNI kernels) with documented
 * semantics:
 * <ul>
 *   <li>{@link #FP32}: ND4J's fp32 kernels (the reference arithmetic).</li>
 *   <li>{@link #BF16}: bf16 operands, fp32 accumulation. Weights on a symmetric per-tensor grid of
 *       b bits (what a plan's quantizer produces) enter as their integer codes, exact in bf16 for
 *       b <= 9, and the layer's step is applied after the convolution; so a quantized plan keeps
 *       its weights exactly and only activations are rounded to bf16 (8 significant bits). Codes
 *       of 10-12-bit layers are rounded to 8 significant bits (relative error <= 2^-9), as are
 *       unquantized weights.</li>
 *   <li>{@link #INT8}: the accelerator's arithmetic: int8 weight codes (pruned weights exactly 0),
 *       8-bit activations (unsigned after ReLU; the input signed) with per-tensor ranges
 *       calibrated on training images, int32 accumulation, requantization to 8 bits after
 *       BatchNorm and ReLU. Layers whose weights are not on a grid of at most 8 bits (more
 *       bits, per-channel or no quantization) run in the bf16 fallback: a bf16 convolution on the
 *       8-bit activation codes (exact in bf16) with the weights as {@link #BF16} takes them,
 *       output requantized to 8 bits. The ranges are calibrated on the bf16 path.</li>
 * </ul>
 */
public enum Precision {
    FP32, BF16, INT8;

    /** Training images int8 calibrates its activation ranges on, by default (the first ones of the set given). */
    public static final int CALIBRATION_IMAGES = 512;

    /** Parses "fp32", "bf16" or "int8" (case-insensitive), naming the choices on error. */
    public static Precision parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UserError("unknown precision '" + s + "': use fp32, bf16 or int8");
        }
    }

    /** The lower-case name used on the command line and in summaries. */
    public String id() { return name().toLowerCase(Locale.ROOT); }
}
