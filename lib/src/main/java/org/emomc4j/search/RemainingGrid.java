package org.emomc4j.search;

import org.emomc4j.util.UserError;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The grid of remaining fractions of stage 1 (the paper: 0.20, 0.21, ..., 0.80). Stage 2 snaps
 * every genome's r down to this grid, so every candidate has a pruned checkpoint.
 */
public final class RemainingGrid {

    private final double[] values;

    public RemainingGrid(double[] values) {
        if (values.length == 0) throw new UserError("remaining-fraction grid is empty");
        double[] v = values.clone();
        Arrays.sort(v);
        for (double x : v)
            if (!(x > 0 && x <= 1))
                throw new UserError("remaining fraction " + x + " is outside (0, 1]: every grid point must be in (0, 1]");
        this.values = v;
    }

    /** Parses {@code FROM:TO:STEP} (inclusive, e.g. {@code 0.20:0.80:0.01}) or a comma list. */
    public static RemainingGrid parse(String text) {
        String t = text.trim();
        try {
            if (t.contains(":")) {
                String[] p = t.split(":");
                if (p.length != 3) throw new NumberFormatException();
                double from = Double.parseDouble(p[0]), to = Double.parseDouble(p[1]), step = Double.parseDouble(p[2]);
                if (!(step > 0) || to < from)
                    throw new UserError("bad grid '" + text + "': need FROM <= TO and STEP > 0, e.g. 0.20:0.80:0.01");
                List<Double> l = new ArrayList<>();
                long n = Math.round((to - from) / step);
                for (long i = 0; i <= n; i++) l.add(round4(from + i * step));
                return new RemainingGrid(l.stream().mapToDouble(Double::doubleValue).toArray());
            }
            return new RemainingGrid(Arrays.stream(t.split(",")).mapToDouble(s -> round4(Double.parseDouble(s.trim()))).toArray());
        } catch (NumberFormatException e) {
            throw new UserError("bad grid '" + text + "': use FROM:TO:STEP such as 0.20:0.80:0.01 or a list such as 0.3,0.5");
        }
    }

    static double round4(double x) { return Math.round(x * 1e4) / 1e4; }

    public double[] values() { return values.clone(); }

    public int size() { return values.length; }

    public double min() { return values[0]; }

    public double max() { return values[values.length - 1]; }

    /** The largest grid point <= r (the smallest grid point if r is below the grid). */
    public double snapDown(double r) {
        double best = values[0];
        for (double v : values) if (v <= r + 1e-9) best = v;
        return best;
    }

    /** File-name form of a grid point, e.g. {@code r0.4500}. */
    public static String label(double r) { return String.format(Locale.ROOT, "r%.4f", r); }

    @Override
    public String toString() { return Arrays.toString(values); }
}
