package org.emomc4j.util;

import java.util.Locale;

/** Time left of a long step, for progress lines ("12 min left"): notebooks never run long jobs silently. */
public final class Eta {

    private Eta() { }

    /** Seconds left after {@code done} of {@code total} equal units took {@code elapsed} seconds (0 when done). */
    public static double remaining(double elapsed, long done, long total) {
        if (done <= 0) return Double.NaN;
        return Math.max(0, total - done) * elapsed / done;
    }

    /** "45 s", "12 min", "1 h 05 min"; "unknown" for NaN. */
    public static String format(double seconds) {
        if (Double.isNaN(seconds)) return "unknown";
        long s = Math.round(seconds);
        if (s < 90) return s + " s";
        long min = Math.round(seconds / 60);
        if (min < 90) return min + " min";
        return String.format(Locale.ROOT, "%d h %02d min", min / 60, min % 60);
    }
}
