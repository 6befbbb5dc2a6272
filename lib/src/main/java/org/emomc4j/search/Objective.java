package org.emomc4j.search;

import org.emomc4j.util.UserError;

import java.util.Locale;

/**
 * What stage 2 trades accuracy against. The paper runs {@link #ENERGY} (size as a constraint)
 * and {@link #SIZE} (energy as a constraint); {@link #BOTH} searches all three at once.
 */
public enum Objective {
    ENERGY, SIZE, BOTH;

    public static Objective parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UserError("unknown objective '" + s + "': use energy, size or both");
        }
    }

    /** Names of the minimised objectives, in order. */
    public String[] objectiveNames() {
        return switch (this) {
            case ENERGY -> new String[]{"error", "energy_mJ"};
            case SIZE -> new String[]{"error", "size_kB"};
            case BOTH -> new String[]{"error", "energy_mJ", "size_kB"};
        };
    }
}
