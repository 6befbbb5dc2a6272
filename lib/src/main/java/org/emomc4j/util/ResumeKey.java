package org.emomc4j.util;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * What makes a long run (training, stage 1, a search, a reproduction, an ablation) the same run:
 * its configuration and the identity of its inputs (e.g. the SHA-256 of the base checkpoint).
 * A run directory stores the key it was started with; {@code --resume} with another key is
 * refused, naming every setting that differs. Values are kept as text, so a key read back from a
 * file compares equal to the key that wrote it.
 *
 * @param command the command the run belongs to (train, stage1, search, reproduce, ...)
 * @param entries setting name to value, in a stable order
 */
public record ResumeKey(String command, Map<String, String> entries) {

    public ResumeKey {
        Objects.requireNonNull(command);
        entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    /** A key from settings of any type (null values are kept as "null"; doubles in their shortest exact form). */
    public static ResumeKey of(String command, Map<String, ?> settings) {
        Map<String, String> m = new LinkedHashMap<>();
        for (Map.Entry<String, ?> e : settings.entrySet()) m.put(e.getKey(), text(e.getValue()));
        return new ResumeKey(command, m);
    }

    private static String text(Object v) {
        if (v == null) return "null";
        if (v instanceof double[] d) return java.util.Arrays.toString(d);
        if (v instanceof int[] i) return java.util.Arrays.toString(i);
        return String.valueOf(v);
    }

    /** The same key with one more entry. */
    public ResumeKey with(String name, Object value) {
        Map<String, String> m = new LinkedHashMap<>(entries);
        m.put(name, text(value));
        return new ResumeKey(command, m);
    }

    /** The settings that differ, one line each: {@code lr: 0.01 in the run, 0.02 now}. Empty when equal. */
    public List<String> differences(ResumeKey stored) {
        List<String> out = new ArrayList<>();
        if (!command.equals(stored.command))
            out.add("command: " + stored.command + " in the run, " + command + " now");
        TreeSet<String> names = new TreeSet<>(entries.keySet());
        names.addAll(stored.entries.keySet());
        for (String n : names) {
            String was = stored.entries.get(n), now = entries.get(n);
            if (!Objects.equals(was, now))
                out.add(n + ": " + (was == null ? "(not set)" : was) + " in the run, " + (now == null ? "(not set)" : now) + " now");
        }
        return out;
    }

    /**
     * Refuses to continue a run started with another key.
     *
     * @param where the run directory (named in the message)
     */
    public void requireSameAs(ResumeKey stored, Path where) {
        List<String> d = differences(stored);
        if (!d.isEmpty())
            throw new UserError("cannot resume " + where + ": it was started with other settings:\n  " + String.join("\n  ", d)
                    + "\nuse the run's settings, or another run directory");
    }

    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("command", command);
        ObjectNode e = o.putObject("settings");
        entries.forEach(e::put);
        return o;
    }

    /** Reads a key written by {@link #toJson}; anything else is refused naming the file. */
    public static ResumeKey fromJson(JsonNode node, Path file) {
        if (node == null || !node.isObject() || !node.path("command").isTextual() || !node.path("settings").isObject())
            throw new UserError(file + " holds no valid resume key (expected {\"command\": ..., \"settings\": {...}})");
        Map<String, String> m = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.path("settings").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual())
                throw new UserError(file + ": resume-key setting '" + e.getKey() + "' is not text");
            m.put(e.getKey(), e.getValue().asText());
        }
        return new ResumeKey(node.path("command").asText(), m);
    }
}
