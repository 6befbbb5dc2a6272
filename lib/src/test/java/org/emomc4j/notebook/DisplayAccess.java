package org.emomc4j.notebook;

import java.io.PrintStream;
import java.util.Map;

/** Test access to {@link Display}'s fallback stream. */
public final class DisplayAccess {
    private DisplayAccess() { }

    public static boolean bundle(Map<String, Object> b, PrintStream fallback) { return Display.bundle(b, fallback); }
}
