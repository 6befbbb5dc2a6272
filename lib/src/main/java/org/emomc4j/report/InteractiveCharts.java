package org.emomc4j.report;

import org.emomc4j.compress.CompressionPlan;
import org.emomc4j.compress.coding.Coding;
import org.emomc4j.hw.Dataflow;
import org.emomc4j.hw.EnergyModel;
import org.emomc4j.hw.EnergyReport;
import org.emomc4j.hw.LayerEnergy;
import org.emomc4j.metrics.Gains;
import org.emomc4j.nn.LayerSpec;
import org.emomc4j.nn.NetworkSpec;
import org.emomc4j.search.Evaluation;
import org.emomc4j.search.Reproduce;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

import static org.emomc4j.report.VegaLite.constant;
import static org.emomc4j.report.VegaLite.csv;
import static org.emomc4j.report.VegaLite.menu;
import static org.emomc4j.report.VegaLite.num;
import static org.emomc4j.report.VegaLite.obj;
import static org.emomc4j.report.VegaLite.quote;
import static org.emomc4j.report.VegaLite.slider;

/**
 * The notebooks' interactive figures ({@link VegaLite}): sliders over the paper's cost models (the
 * remaining fraction r, the weight bit-width, the dataflow, the layer) and the Pareto fronts of
 * Figs. 5 and 6 with each plan's genome in a hover tooltip.
 *
 * <p>The cost models are Java, so each chart carries a grid the model computed for every
 * combination of its inputs (e.g. the energy of every layer for every (dataflow, r, bits) of the
 * grid) and the sliders only pick rows: what a reader sees is the library's number, never a formula
 * re-typed in JavaScript. A knob value off the grid starts the slider at the nearest grid point.
 * Grids are kept small enough that a spec stays under about 300 KB.
 */
public final class InteractiveCharts {
    private InteractiveCharts() { }

    /** The default r grid of the cost sliders: 0.1, 0.2, ..., 1.0. */
    public static final double[] R_GRID = IntStream.rangeClosed(1, 10).mapToDouble(i -> i / 10.0).toArray();
    /** The default r grid of the coding chart (lines need finer steps): 0.05, 0.10, ..., 1.0. */
    public static final double[] R_GRID_FINE = IntStream.rangeClosed(1, 20).mapToDouble(i -> i / 20.0).toArray();
    /** The default bit-widths of the cost sliders: 2..16 (the search's 2..12 and a little beyond). */
    public static final int[] BITS_GRID = IntStream.rangeClosed(2, 16).toArray();
    /** The bit-widths of the coding chart: the search's 2..12 (its grid is 4x finer in r). */
    public static final int[] BITS_GRID_SEARCH = IntStream.rangeClosed(2, 12).toArray();

    private static final int WIDTH = 620;
    /** How far above the accuracy axis' floor (in points) the fronts chart draws the plans below its window. */
    static final double FLOOR_OFFSET_POINTS = 0.12;

    /**
     * Notebook 01: the reference energy of every layer for a uniform plan (r, bits in every layer),
     * with a slider for r, bits and the highlighted layer and a menu for the dataflow; the selected
     * layer's energy, the network's total and its gain over the uncompressed network are printed
     * above the bars.
     */
    public static VegaLite layerEnergy(EnergyModel model, NetworkSpec spec, double[] rGrid, int[] bitsGrid,
                                       double r, int bits, Dataflow dataflow, int layer) {
        checkLayer(spec, layer);
        bitsGrid = contiguous(bitsGrid);
        step(rGrid);
        StringBuilder rows = new StringBuilder();
        List<Double> full = new ArrayList<>();
        for (Dataflow d : Dataflow.values()) {
            full.add(model.energy(CompressionPlan.uncompressed(spec), d));
            for (double rr : rGrid)
                for (int b : bitsGrid) {
                    EnergyReport rep = model.report(CompressionPlan.uniform(spec, rr, b), d);
                    for (LayerEnergy l : rep.layers())
                        rows.append(l.index()).append(',').append(d.ordinal()).append(',').append(num(rr)).append(',').append(b).append(',')
                                .append(num(l.total())).append('\n');
                }
        }
        String unit = model.unit();
        String planText = "' (' + dfs[dataflow] + ', r = ' + format(r, '.2f') + ', ' + bits + '-bit weights)'";
        Map<String, Object> spec0 = base(model.name() + " energy per layer, " + spec.id(),
                "'Energy per layer, " + spec.id() + "' + " + planText);
        spec0.put("params", List.of(
                slider("r", "remaining fraction r", snap(rGrid, r), min(rGrid), max(rGrid), step(rGrid)),
                slider("bits", "weight bits", snapInt(bitsGrid, bits), bitsGrid[0], bitsGrid[bitsGrid.length - 1], 1),
                dataflowMenu(dataflow),
                slider("layer", "highlighted layer", layer, 0, spec.layers().size() - 1, 1),
                constant("names", layerNames(spec)), constant("dfs", dataflowLabels()), constant("full", full)));
        spec0.put("data", csv(new String[]{"l", "d", "r", "b", "e"}, rows.toString()));
        spec0.put("transform", List.of(
                obj("filter", "datum.d == dataflow && abs(datum.r - r) < 1e-6 && datum.b == bits"),
                obj("joinaggregate", List.of(obj("op", "sum", "field", "e", "as", "total"))),
                obj("calculate", "names[datum.l]", "as", "layer"),
                obj("calculate", "datum.e", "as", "energy (" + unit + ")")));
        Map<String, Object> x = obj("field", "l", "type", "ordinal", "title", "layer",
                "axis", obj("labelExpr", "names[datum.value]", "labelAngle", -45));
        Map<String, Object> y = obj("field", "e", "type", "quantitative", "title", "energy (" + unit + ")");
        spec0.put("layer", List.of(
                obj("mark", obj("type", "bar"), "encoding", obj("x", x, "y", y,
                        "color", obj("condition", obj("test", "datum.l == layer", "value", "#d62728"), "value", "#4c78a8"),
                        "tooltip", List.of(obj("field", "layer", "type", "nominal"),
                                obj("field", "energy (" + unit + ")", "type", "quantitative", "format", ".4g")))),
                obj("transform", List.of(obj("filter", "datum.l == layer"),
                                obj("calculate", "names[datum.l] + ': ' + format(datum.e, '.4g') + ' " + unit + "; network ' + format(datum.total, '.4g')"
                                        + " + ' " + unit + ", gain ' + format(full[dataflow] / datum.total, '.2f') + 'x over 32-bit dense'", "as", "note")),
                        "mark", obj("type", "text", "align", "left", "baseline", "bottom", "fontSize", 12),
                        "encoding", obj("x", obj("value", 0), "y", obj("value", -4), "text", obj("field", "note")))));
        spec0.put("title", obj("text", ((Map<?, ?>) spec0.get("title")).get("text"), "offset", 20));
        return new VegaLite(model.name() + " energy per layer of " + spec.id() + " for a uniform plan", spec0);
    }

    /**
     * Notebook 05: bits per weight of every coding (closed forms, {@link Coding#closedFormBits})
     * against r, for one layer and bit-width chosen by sliders, with each sparse coding's break-even
     * with dense ({@link Coding#breakEvenWithDense}) drawn where it falls inside (0, 1].
     */
    public static VegaLite codingBits(NetworkSpec spec, double[] rGrid, int[] bitsGrid, int bits, int layer) {
        checkLayer(spec, layer);
        bitsGrid = contiguous(bitsGrid);
        Coding[] codings = Coding.values();
        StringBuilder rows = new StringBuilder(), evens = new StringBuilder();
        List<Long> ns = new ArrayList<>();
        for (LayerSpec l : spec.layers()) {
            long n = l.weightCount();
            ns.add(n);
            for (int b : bitsGrid)
                for (Coding c : codings) {
                    for (double rr : rGrid)
                        rows.append(l.index()).append(',').append(c.ordinal()).append(',').append(num(rr)).append(',').append(b).append(',')
                                .append(num(c.closedFormBits(n, rr, b) / n)).append('\n');
                    if (c == Coding.DENSE) continue;
                    double x = c.breakEvenWithDense(n, b);
                    if (x > 0 && x <= 1)
                        evens.append(l.index()).append(',').append(c.ordinal()).append(',').append(b).append(',').append(num(x)).append('\n');
                }
        }
        List<String> names = Arrays.stream(codings).map(InteractiveCharts::codingName).toList();
        Map<String, Object> s = base("bits per weight by coding, " + spec.id(),
                "'Bits per weight, ' + names[layer] + ' of " + spec.id() + " (N = ' + format(ns[layer], ',') + '), ' + bits + '-bit weights'");
        s.put("params", List.of(
                slider("bits", "weight bits", snapInt(bitsGrid, bits), bitsGrid[0], bitsGrid[bitsGrid.length - 1], 1),
                slider("layer", "layer", layer, 0, spec.layers().size() - 1, 1),
                constant("names", layerNames(spec)), constant("ns", ns), constant("codings", names)));
        Map<String, Object> color = obj("field", "coding", "type", "nominal", "title", "coding", "scale", obj("domain", names));
        Map<String, Object> x = obj("field", "r", "type", "quantitative", "title", "remaining fraction r", "scale", obj("domain", List.of(0, 1)));
        s.put("layer", List.of(
                obj("data", csv(new String[]{"l", "c", "r", "b", "v"}, rows.toString()),
                        "transform", List.of(obj("filter", "datum.l == layer && datum.b == bits"),
                                obj("calculate", "codings[datum.c]", "as", "coding")),
                        "mark", obj("type", "line", "point", true),
                        "encoding", obj("x", x, "y", obj("field", "v", "type", "quantitative", "title", "bits per weight (all N weights)"),
                                "color", color, "tooltip", List.of(obj("field", "coding"), obj("field", "r", "type", "quantitative"),
                                        obj("field", "v", "type", "quantitative", "title", "bits per weight", "format", ".3f")))),
                obj("data", csv(new String[]{"l", "c", "b", "x"}, evens.toString()),
                        "transform", List.of(obj("filter", "datum.l == layer && datum.b == bits"),
                                obj("calculate", "codings[datum.c]", "as", "coding"),
                                obj("calculate", "codings[datum.c] + ' < dense below r = ' + format(datum.x, '.3f')", "as", "label")),
                        "layer", List.of(
                                obj("mark", obj("type", "rule", "strokeDash", List.of(4, 3)),
                                        "encoding", obj("x", obj("field", "x", "type", "quantitative"), "color", color,
                                                "tooltip", List.of(obj("field", "label", "title", "break-even")))),
                                obj("mark", obj("type", "text", "angle", 270, "align", "right", "baseline", "bottom", "dx", -4, "dy", -2),
                                        "encoding", obj("x", obj("field", "x", "type", "quantitative"), "y", obj("value", 0),
                                                "text", obj("field", "label"), "color", color))))));
        return new VegaLite("bits per weight by coding, one layer of " + spec.id(), s);
    }

    /**
     * Notebook 06: the energy model's components (stacked) per dataflow for a uniform plan, and the
     * total against r for every dataflow at the same bit-width; sliders for r and bits, a menu for
     * the highlighted dataflow.
     */
    public static VegaLite energyComponents(EnergyModel model, NetworkSpec spec, double[] rGrid, int[] bitsGrid,
                                            double r, int bits, Dataflow dataflow) {
        bitsGrid = contiguous(bitsGrid);
        step(rGrid);
        List<String> components = null;
        StringBuilder rows = new StringBuilder();
        for (Dataflow d : Dataflow.values())
            for (double rr : rGrid)
                for (int b : bitsGrid) {
                    Map<String, Double> c = model.report(CompressionPlan.uniform(spec, rr, b), d).components();
                    if (components == null) components = List.copyOf(c.keySet());
                    for (int k = 0; k < components.size(); k++)
                        rows.append(d.ordinal()).append(',').append(num(rr)).append(',').append(b).append(',').append(k).append(',')
                                .append(num(c.getOrDefault(components.get(k), 0.0))).append('\n');
                }
        String unit = model.unit();
        Map<String, Object> s = base(model.name() + " energy by component, " + spec.id(),
                "'" + model.name() + " model, " + spec.id() + ": r = ' + format(r, '.2f') + ', ' + bits + '-bit weights'");
        s.put("params", List.of(
                slider("r", "remaining fraction r", snap(rGrid, r), min(rGrid), max(rGrid), step(rGrid)),
                slider("bits", "weight bits", snapInt(bitsGrid, bits), bitsGrid[0], bitsGrid[bitsGrid.length - 1], 1),
                dataflowMenu(dataflow), constant("dfs", dataflowLabels()), constant("parts", components)));
        s.put("data", csv(new String[]{"d", "r", "b", "k", "e"}, rows.toString()));
        s.put("transform", List.of(obj("calculate", "dfs[datum.d]", "as", "dataflow"), obj("calculate", "parts[datum.k]", "as", "component")));
        Map<String, Object> dfScale = obj("domain", dataflowLabels());
        Map<String, Object> bars = obj("width", 300, "height", 260,
                "title", "by component at r and bits",
                "transform", List.of(obj("filter", "abs(datum.r - r) < 1e-6 && datum.b == bits")),
                "mark", "bar",
                "encoding", obj("x", obj("field", "dataflow", "type", "nominal", "scale", dfScale, "axis", obj("labelAngle", 0)),
                        "y", obj("field", "e", "type", "quantitative", "aggregate", "sum", "title", "energy (" + unit + ")"),
                        "color", obj("field", "component", "type", "nominal", "scale", obj("domain", components)),
                        "opacity", obj("condition", obj("test", "datum.d == dataflow", "value", 1), "value", 0.45),
                        "tooltip", List.of(obj("field", "dataflow"), obj("field", "component"),
                                obj("field", "e", "type", "quantitative", "title", "energy (" + unit + ")", "format", ".4g"))));
        Map<String, Object> totals = obj("width", 300, "height", 260,
                "title", "total against r at the chosen bits",
                "transform", List.of(obj("filter", "datum.b == bits"),
                        obj("aggregate", List.of(obj("op", "sum", "field", "e", "as", "total")), "groupby", List.of("d", "dataflow", "r"))),
                "layer", List.of(
                        obj("mark", obj("type", "line", "point", true),
                                "encoding", obj("x", obj("field", "r", "type", "quantitative", "title", "remaining fraction r"),
                                        "y", obj("field", "total", "type", "quantitative", "title", "energy (" + unit + ")"),
                                        "color", obj("field", "dataflow", "type", "nominal", "scale", dfScale),
                                        "strokeWidth", obj("condition", obj("test", "datum.d == dataflow", "value", 3.5), "value", 1),
                                        "tooltip", List.of(obj("field", "dataflow"), obj("field", "r", "type", "quantitative"),
                                                obj("field", "total", "type", "quantitative", "title", "energy (" + unit + ")", "format", ".4g")))),
                        obj("mark", obj("type", "rule", "strokeDash", List.of(4, 3), "color", "gray"),
                                "encoding", obj("x", obj("datum", obj("expr", "r"), "type", "quantitative")))));
        s.put("hconcat", List.of(bars, totals));
        s.put("resolve", obj("scale", obj("color", "independent"), "legend", obj("color", "independent")));
        s.remove("width");
        s.remove("height");
        return new VegaLite(model.name() + " energy by component and dataflow, " + spec.id(), s);
    }

    /**
     * Figs. 5 and 6 as an interactive chart: accuracy against cost per front (the paper's names),
     * the uncompressed baseline and the loss-budget lines, the accuracy axis on the trade-off region
     * ({@link Charts#TRADE_OFF_WINDOW}) with the plans below it drawn on its floor as down-triangles.
     * Hovering a plan shows its genome (r and every layer's bits, grouped by block), accuracy, cost
     * and gain over the row's baseline ({@code gains}' denominators: the uncompressed network per
     * dataflow, dense 32 bit per coding); clicking a legend entry isolates that front; drag to zoom.
     *
     * @param fronts per front key (XY, csr, ...), its members on test accuracy
     * @param gains  the report's fronts with their baselines (keyed by paper name)
     */
    public static VegaLite fronts(String figure, String profile, Charts.Cost cost, Map<String, List<Evaluation>> fronts,
                                  NetworkSpec spec, Gains.Fronts gains, double... budgets) {
        double baseAcc = gains.baselines().values().stream().mapToDouble(Gains.Baseline::accuracy).findFirst().orElse(Double.NaN);
        double maxBudget = Arrays.stream(budgets).max().orElse(0);
        double best = fronts.values().stream().flatMap(List::stream).mapToDouble(Evaluation::accuracy).max().orElse(baseAcc);
        double top = Double.isNaN(baseAcc) ? best : baseAcc;
        double floor = top - Math.max(Charts.TRADE_OFF_WINDOW, 3 * maxBudget);
        String costField = cost == Charts.Cost.ENERGY ? "energy (mJ)" : "size (KiB)";
        List<String> names = layerNames(spec);
        List<String[]> groups = blocks(names);
        List<Map<String, Object>> rows = new ArrayList<>();
        List<String> series = new ArrayList<>();
        double xMax = 0, xAll = 0;
        for (Map.Entry<String, List<Evaluation>> e : fronts.entrySet()) {
            String name = Charts.paperName(e.getKey());
            series.add(name);
            Gains.Baseline b = gains.baselines().get(name);
            for (Evaluation v : e.getValue().stream().sorted(Comparator.comparingDouble(cost::of)).toList()) {
                if (v.genome().layers() != names.size())
                    throw new IllegalArgumentException("a plan of " + v.genome().layers() + " layers on a chart of " + spec.id() + " (" + names.size() + " layers)");
                double c = cost.of(v);
                xAll = Math.max(xAll, c);
                if (v.accuracy() >= floor) xMax = Math.max(xMax, c);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("plan", name);
                row.put("r", v.genome().remaining());
                for (String[] g : groups) {
                    StringBuilder bits = new StringBuilder();
                    for (int i = Integer.parseInt(g[1]); i <= Integer.parseInt(g[2]); i++) bits.append(bits.length() == 0 ? "" : " ").append(v.genome().bits(i));
                    row.put("bits " + g[0], bits.toString());
                }
                row.put("test accuracy (%)", round(100 * v.accuracy(), 4));
                // a plan below the window sits just above its floor (a marker centred on the axis would be cut in half)
                row.put("shown", round(v.accuracy() >= floor ? 100 * v.accuracy() : 100 * floor + FLOOR_OFFSET_POINTS, 4));
                row.put(costField, round(c, 5));
                if (b != null && b.cost() > 0) row.put("gain (x)", round(b.cost() / c, 4));
                row.put("below", v.accuracy() < floor);
                rows.add(row);
            }
        }
        if (xMax == 0) xMax = xAll;
        String yTitle = "test accuracy (%)";
        List<Object> tooltip = new ArrayList<>(List.of(obj("field", "plan"), obj("field", "test accuracy (%)", "type", "quantitative", "format", ".2f"),
                obj("field", costField, "type", "quantitative", "format", ".4g")));
        if (rows.stream().anyMatch(m -> m.containsKey("gain (x)"))) tooltip.add(obj("field", "gain (x)", "type", "quantitative", "format", ".2f"));
        tooltip.add(obj("field", "r", "type", "quantitative", "title", "r (remaining)"));
        for (String[] g : groups) tooltip.add(obj("field", "bits " + g[0]));
        String fig = Charts.title(figure, profile);
        Map<String, Object> s = base(fig, null);
        s.put("title", obj("text", fig, "subtitle", String.format(Locale.ROOT,
                "hover a plan for its genome; click a legend entry to isolate a front; drag to pan, wheel to zoom; %s",
                floor > 0 ? String.format(Locale.ROOT, "plans below %.1f %% sit on the floor (triangles)", 100 * floor) : "")));
        s.put("height", 340);
        Map<String, Object> xEnc = obj("field", costField, "type", "quantitative", "title", cost.axis,
                "scale", obj("domain", List.of(0, round(xMax * 1.05, 5))));
        Map<String, Object> yEnc = obj("field", "shown", "type", "quantitative", "title", yTitle,
                "scale", obj("domain", List.of(round(100 * floor, 3), round(100 * Math.max(top, best) + 0.5, 3)), "nice", false));
        Map<String, Object> color = obj("field", "plan", "type", "nominal", "title", cost == Charts.Cost.ENERGY ? "dataflow" : "coding",
                "scale", obj("domain", series));
        Map<String, Object> opacity = obj("condition", obj("param", "pick", "value", 1), "value", 0.12);
        List<Object> layers = new ArrayList<>();
        layers.add(obj("data", obj("values", rows), "transform", List.of(obj("filter", "!datum.below")),
                "mark", obj("type", "line", "clip", true, "strokeWidth", 1, "strokeOpacity", 0.5), "encoding", obj("x", xEnc, "y", yEnc, "color", color, "opacity", opacity,
                        "order", obj("field", costField, "type", "quantitative"))));
        layers.add(obj("data", obj("values", rows),
                "params", List.of(obj("name", "pick", "select", obj("type", "point", "fields", List.of("plan")), "bind", "legend"),
                        obj("name", "zoom", "select", "interval", "bind", "scales")),
                "mark", obj("type", "point", "filled", true, "size", 60, "clip", true),
                "encoding", obj("x", xEnc, "y", yEnc, "color", color, "opacity", opacity,
                        "shape", obj("condition", obj("test", "datum.below", "value", "triangle-down"), "value", "circle"),
                        "tooltip", tooltip)));
        if (!Double.isNaN(baseAcc)) {
            List<Map<String, Object>> lines = new ArrayList<>();
            lines.add(obj("y", round(100 * baseAcc, 4), "label", String.format(Locale.ROOT, "uncompressed %.2f %%", 100 * baseAcc), "dash", 0));
            for (double b : budgets)
                lines.add(obj("y", round(100 * (baseAcc - b), 4), "label", String.format(Locale.ROOT, "-%s %% loss", Charts.trim(100 * b)), "dash", 1));
            layers.add(obj("data", obj("values", lines), "layer", List.of(
                    obj("mark", obj("type", "rule", "color", "#555"), "encoding", obj("y", obj("field", "y", "type", "quantitative"),
                            "strokeDash", obj("condition", obj("test", "datum.dash == 1", "value", List.of(5, 4)), "value", List.of(1, 0)),
                            "tooltip", List.of(obj("field", "label", "title", "line")))),
                    obj("mark", obj("type", "text", "align", "right", "baseline", "bottom", "dy", -1, "color", "#555", "fontSize", 10),
                            "encoding", obj("y", obj("field", "y", "type", "quantitative"), "x", obj("value", WIDTH - 4),
                                    "text", obj("field", "label"))))));
        }
        s.put("layer", layers);
        return new VegaLite(fig, s);
    }

    // ---- helpers ----

    private static Map<String, Object> base(String title, String titleExpr) {
        Map<String, Object> s = obj("$schema", VegaLite.SCHEMA);
        // SVG rather than vega-embed's default canvas: the chart's text stays in the page (searchable, checkable in a browser).
        s.put("usermeta", obj("embedOptions", obj("renderer", "svg", "actions", false)));
        s.put("title", titleExpr == null ? title : obj("text", obj("expr", titleExpr)));
        s.put("width", WIDTH);
        s.put("height", 280);
        return s;
    }

    private static Map<String, Object> dataflowMenu(Dataflow d) {
        return menu("dataflow", "dataflow", d.ordinal(), IntStream.range(0, Dataflow.values().length).boxed().toList(), dataflowLabels());
    }

    private static List<String> dataflowLabels() { return Arrays.stream(Dataflow.values()).map(Dataflow::label).toList(); }

    private static List<String> layerNames(NetworkSpec spec) { return spec.layers().stream().map(LayerSpec::name).toList(); }

    /** The paper's name of a coding (dense, CSR, COO; the bitmap, ours, as "bitmap"). */
    static String codingName(Coding c) { return c == Coding.BITMAP ? "bitmap" : Reproduce.paperName(c); }

    /** Layers per tooltip line when the names carry no block ("conv0", "conv1", ...). */
    static final int TOOLTIP_CHUNK = 4;

    /**
     * Layers grouped for the tooltip, each entry {label, first index, last index}: by block when
     * the names say it (conv1_1, conv1_2 -> "conv1", the name up to its last '_'), otherwise in runs
     * of {@link #TOOLTIP_CHUNK} ("conv0-conv3").
     */
    static List<String[]> blocks(List<String> names) {
        List<String[]> out = new ArrayList<>();
        if (names.stream().noneMatch(n -> n.contains("_"))) {
            for (int i = 0; i < names.size(); i += TOOLTIP_CHUNK) {
                int j = Math.min(names.size(), i + TOOLTIP_CHUNK) - 1;
                out.add(new String[]{i == j ? names.get(i) : names.get(i) + "-" + names.get(j), Integer.toString(i), Integer.toString(j)});
            }
            return out;
        }
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            String g = n.contains("_") ? n.substring(0, n.lastIndexOf('_')) : n;
            String[] last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && last[0].equals(g) && g.length() < n.length()) last[2] = Integer.toString(i);
            else out.add(new String[]{g, Integer.toString(i), Integer.toString(i)});
        }
        return out;
    }

    private static void checkLayer(NetworkSpec spec, int layer) {
        if (layer < 0 || layer >= spec.layers().size())
            throw new IllegalArgumentException("layer " + layer + " is not a layer of " + spec.id() + ": use 0.." + (spec.layers().size() - 1));
    }

    private static double snap(double[] grid, double v) {
        double best = grid[0];
        for (double g : grid) if (Math.abs(g - v) < Math.abs(best - v)) best = g;
        return best;
    }

    /** A bits slider steps by 1: its grid must be every integer between its ends. */
    private static int[] contiguous(int[] grid) {
        int[] s = Arrays.stream(grid).sorted().distinct().toArray();
        if (s.length == 0 || s[s.length - 1] - s[0] != s.length - 1)
            throw new IllegalArgumentException("a bits grid must hold every bit-width between its ends (the slider steps by 1): " + Arrays.toString(grid));
        return s;
    }

    private static int snapInt(int[] grid, int v) {
        int best = grid[0];
        for (int g : grid) if (Math.abs(g - v) < Math.abs(best - v)) best = g;
        return best;
    }

    private static double min(double[] g) { return Arrays.stream(g).min().orElseThrow(); }

    private static double max(double[] g) { return Arrays.stream(g).max().orElseThrow(); }

    /** The slider step: the grid's smallest gap (a grid must be evenly spaced for every stop to hit a row). */
    private static double step(double[] g) {
        double[] s = Arrays.stream(g).sorted().toArray();
        if (s.length < 2) return 1;
        double step = (s[s.length - 1] - s[0]) / (s.length - 1);
        for (int i = 1; i < s.length; i++)
            if (Math.abs(s[i] - s[i - 1] - step) > 1e-9)
                throw new IllegalArgumentException("an r grid must be evenly spaced (the slider has one step): " + Arrays.toString(g));
        return Math.round(step * 1e6) / 1e6;
    }

    private static double round(double v, int digits) {
        return Double.isFinite(v) ? new java.math.BigDecimal(v).round(new java.math.MathContext(digits)).doubleValue() : 0;
    }
}
