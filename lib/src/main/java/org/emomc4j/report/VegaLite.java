package org.emomc4j.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.emomc4j.notebook.Display;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An interactive figure as a Vega-Lite 5 spec (JSON-like Maps and Lists), the MIME type
 * {@code application/vnd.vegalite.v5+json} that JupyterLab renders natively: sliders and menus are
 * Vega-Lite params bound to inputs, and the data is a grid the library's cost models computed in
 * Java (see {@link InteractiveCharts}), which the params filter. Vega-Lite only selects and draws;
 * every number comes from the Java models.
 *
 * @param title a plain-text title (the spec's own title may be an expression of its params)
 * @param spec  the Vega-Lite spec
 */
public record VegaLite(String title, Map<String, Object> spec) {

    /** The schema every spec declares. */
    public static final String SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The spec as compact JSON. */
    public String json() {
        try {
            return JSON.writeValueAsString(spec);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a Vega-Lite spec holds only JSON values: " + e.getMessage(), e);
        }
    }

    /** Size of the JSON in bytes (what a notebook output and its HTML copy carry). */
    public int bytes() { return json().getBytes(StandardCharsets.UTF_8).length; }

    /** Names of the params bound to an input (a slider or a menu), in the spec's order. */
    @SuppressWarnings("unchecked")
    public List<String> inputs() {
        List<String> out = new ArrayList<>();
        for (Object p : (List<Object>) spec.getOrDefault("params", List.of()))
            if (p instanceof Map<?, ?> m && m.get("bind") instanceof Map<?, ?>) out.add((String) m.get("name"));
        return out;
    }

    /** The MIME bundle: the spec, and a plain-text line for front ends that cannot draw it. */
    public Map<String, Object> bundle() {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put(Display.TEXT, String.format(Locale.ROOT, "%s (interactive Vega-Lite chart, %s; JupyterLab draws it; %.0f KB)",
                title, inputs().isEmpty() ? "hover for details" : "inputs " + String.join(", ", inputs()), bytes() / 1e3));
        b.put(Display.VEGA_LITE, spec);
        return b;
    }

    /** Shows the chart below the running notebook cell ({@link Display#bundle}); void, so a cell ending with it adds no "true". */
    public void show() { Display.bundle(bundle()); }

    // ---- small spec helpers for InteractiveCharts ----

    /** A JSON object from alternating keys and values (insertion order kept). */
    static Map<String, Object> obj(Object... kv) {
        if (kv.length % 2 != 0) throw new IllegalArgumentException("keys and values must pair up: " + Arrays.toString(kv));
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    /** A param bound to a slider over {@code values} (their range and smallest step). */
    static Map<String, Object> slider(String name, String label, double value, double min, double max, double step) {
        return obj("name", name, "value", value, "bind", obj("input", "range", "min", min, "max", max, "step", step, "name", label + " "));
    }

    /** A param bound to a menu of {@code options} shown as {@code labels}. */
    static Map<String, Object> menu(String name, String label, Object value, List<?> options, List<String> labels) {
        return obj("name", name, "value", value, "bind", obj("input", "select", "options", options, "labels", labels, "name", label + " "));
    }

    /** A param holding a constant (e.g. layer names the axis labels index). */
    static Map<String, Object> constant(String name, Object value) {
        return obj("name", name, "value", value);
    }

    /** Inline CSV data with every column parsed as a number except those in {@code text}. */
    static Map<String, Object> csv(String[] header, String rows, String... text) {
        Map<String, Object> parse = new LinkedHashMap<>();
        List<String> t = Arrays.asList(text);
        for (String h : header) parse.put(h, t.contains(h) ? "string" : "number");
        return obj("values", String.join(",", header) + "\n" + rows, "format", obj("type", "csv", "parse", parse));
    }

    /** A number for the inline CSV: 4 significant digits (the charts' resolution), no exponent for the usual ranges. */
    static String num(double v) {
        if (!Double.isFinite(v)) throw new IllegalArgumentException("a chart value must be finite, got " + v);
        if (v == Math.rint(v) && Math.abs(v) < 1e9) return Long.toString((long) v);
        String s = new java.math.BigDecimal(v).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
        return s.startsWith("0.") ? s.substring(1) : s.startsWith("-0.") ? "-" + s.substring(2) : s;
    }

    /** Escapes a string for a single-quoted Vega expression literal. */
    static String quote(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
