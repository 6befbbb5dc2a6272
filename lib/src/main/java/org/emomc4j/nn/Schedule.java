package org.emomc4j.nn;

import org.emomc4j.util.UserError;

import java.util.Locale;

/**
 * Learning-rate schedules. {@link #STEP} is the reference's (halve every N epochs); cosine and
 * one-cycle suit short budgets such as 30-epoch baselines and one-epoch fine-tuning steps.
 * The rate is a pure function of the position in training, so a resumed run needs no state.
 */
public enum Schedule {
    /** base * 0.5^floor(epoch / stepEpochs), constant within an epoch (reference: every 30 epochs). */
    STEP,
    /** Cosine decay from base to 0 over all iterations. */
    COSINE,
    /**
     * One-cycle (as PyTorch's OneCycleLR, cosine phases): from base/25 up to base over the first
     * 30 % of iterations, then down to base/25e4. Momentum is kept constant (not cycled).
     */
    ONECYCLE;

    /**
     * @param base       peak / initial learning rate
     * @param epoch      0-based epoch
     * @param fraction   position within the epoch in [0, 1)
     * @param epochs     total epochs of the run
     * @param stepEpochs halving period of {@link #STEP}
     */
    public double lr(double base, int epoch, double fraction, int epochs, int stepEpochs) {
        double t = (epoch + fraction) / Math.max(1, epochs);
        return switch (this) {
            case STEP -> base * Math.pow(0.5, Math.floorDiv(epoch, Math.max(1, stepEpochs)));
            case COSINE -> base * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, t)));
            case ONECYCLE -> {
                double pct = 0.3, lo = base / 25, end = lo / 1e4;
                if (t < pct) yield lo + (base - lo) * (1 - Math.cos(Math.PI * t / pct)) / 2;
                yield end + (base - end) * (1 + Math.cos(Math.PI * Math.min(1, (t - pct) / (1 - pct)))) / 2;
            }
        };
    }

    public static Schedule parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT).replace("-", ""));
        } catch (IllegalArgumentException e) {
            throw new UserError("unknown schedule '" + s + "': use step, cosine or onecycle");
        }
    }
}
