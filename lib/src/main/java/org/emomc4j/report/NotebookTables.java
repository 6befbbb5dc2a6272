package org.emomc4j.report;

import org.emomc4j.compress.CompressionPlan;
import org.emomc4j.compress.StreamSizes;
import org.emomc4j.compress.coding.Coding;
import org.emomc4j.compress.prune.OneShotPruning;
import org.emomc4j.compress.quant.LayerSensitivity;
import org.emomc4j.hw.Dataflow;
import org.emomc4j.hw.EnergyModel;
import org.emomc4j.hw.LayerEnergy;
import org.emomc4j.nn.LayerSpec;
import org.emomc4j.nn.NetworkSpec;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.List;

/**
 * The tables the notebooks display, built from library results so that a notebook cell is a call
 * and a display. Column names carry the values that produced them (r, bits, dataflow labels).
 */
public final class NotebookTables {

    private NotebookTables() { }

    /** One row per compressible layer: kind, kernel, channels, output map side, weights N and MACs. */
    public static Table layers(NetworkSpec spec, String name) {
        Table t = Table.create(name, IntColumn.create("layer"), StringColumn.create("name"), StringColumn.create("kind"),
                IntColumn.create("kernel"), IntColumn.create("C_in"), IntColumn.create("C_out"), IntColumn.create("map"),
                LongColumn.create("weights"), LongColumn.create("MACs"));
        for (LayerSpec s : spec.layers()) {
            t.intColumn("layer").append(s.index());
            t.stringColumn("name").append(s.name());
            t.stringColumn("kind").append(s.kind().name());
            t.intColumn("kernel").append(s.kernel());
            t.intColumn("C_in").append(s.inChannels());
            t.intColumn("C_out").append(s.outChannels());
            t.intColumn("map").append(s.outputMapSize());
            t.longColumn("weights").append(s.weightCount());
            t.longColumn("MACs").append(s.macs());
        }
        return t;
    }

    /** Energy of every layer (rows) for every dataflow (columns, paper labels), in the model's unit. */
    public static Table energyPerLayer(EnergyModel model, NetworkSpec spec, CompressionPlan plan, String name) {
        Table t = Table.create(name, StringColumn.create("layer", spec.layers().stream().map(LayerSpec::name).toList()));
        for (Dataflow d : Dataflow.values())
            t.addColumns(DoubleColumn.create(d.label(), model.report(plan, d).layers().stream().mapToDouble(LayerEnergy::total).toArray()));
        return t;
    }

    /** Accuracy (%) per rule (columns) and r (rows), with the share of weights the filter-like rules really kept. */
    public static Table oneShot(OneShotPruning p, String name) {
        Table t = Table.create(name, DoubleColumn.create("r", p.remaining()));
        for (int k = 0; k < p.rules().size(); k++) {
            final int kk = k;
            t.addColumns(DoubleColumn.create(p.rules().get(k), java.util.Arrays.stream(p.accuracy()).mapToDouble(a -> 100 * a[kk]).toArray()));
        }
        for (int k = 0; k < p.rules().size(); k++) {
            final int kk = k;
            t.addColumns(DoubleColumn.create("kept, " + p.rules().get(k), java.util.Arrays.stream(p.keptFraction()).mapToDouble(a -> a[kk]).toArray()));
        }
        return t;
    }

    /** Accuracy (%) with one layer quantized, one column per probed bit-width, and the loss in points. */
    public static Table sensitivity(LayerSensitivity s, String name) {
        Table t = Table.create(name, IntColumn.create("layer", java.util.stream.IntStream.range(0, s.layers().size()).toArray()),
                StringColumn.create("name", s.layers()));
        for (int k = 0; k < s.bits().length; k++) {
            final int kk = k;
            t.addColumns(DoubleColumn.create(s.bits()[k] + " bit", java.util.Arrays.stream(s.accuracy()).mapToDouble(a -> 100 * a[kk]).toArray()));
            t.addColumns(DoubleColumn.create("loss at " + s.bits()[k] + " bit", java.util.stream.IntStream.range(0, s.layers().size())
                    .mapToDouble(l -> 100 * s.loss(l, kk)).toArray()));
        }
        return t;
    }

    /** Stream KiB per coder beside the closed forms, one row per (r, bits). */
    public static Table streamSizes(List<StreamSizes.Row> rows, String name) {
        Table t = Table.create(name, DoubleColumn.create("r"), IntColumn.create("bits"));
        if (rows.isEmpty()) return t;
        for (String c : rows.get(0).streamKiB().keySet()) t.addColumns(DoubleColumn.create(c + " stream"));
        for (Coding c : rows.get(0).closedFormKiB().keySet()) t.addColumns(DoubleColumn.create(c.cliName() + " closed form"));
        for (var row : rows) {
            t.doubleColumn("r").append(row.remaining());
            t.intColumn("bits").append(row.bits());
            row.streamKiB().forEach((c, v) -> t.doubleColumn(c + " stream").append(v));
            row.closedFormKiB().forEach((c, v) -> t.doubleColumn(c.cliName() + " closed form").append(v));
        }
        return t;
    }

    /**
     * A table as HTML (what JupyterLab shows for {@code text/html}): its name as the caption, the
     * column names as the header, decimals with {@code digits} places, NaN and missing as "-",
     * numbers right-aligned. Every cell is escaped.
     */
    public static String html(Table t, int digits) {
        StringBuilder sb = new StringBuilder("<table class=\"emomc-table\">\n");
        if (t.name() != null && !t.name().isBlank()) sb.append("<caption style=\"caption-side: top; text-align: left; font-weight: bold\">")
                .append(escape(t.name())).append("</caption>\n");
        sb.append("<thead><tr>");
        for (String c : t.columnNames()) sb.append("<th>").append(escape(c)).append("</th>");
        sb.append("</tr></thead>\n<tbody>\n");
        for (int r = 0; r < t.rowCount(); r++) {
            sb.append("<tr>");
            for (int c = 0; c < t.columnCount(); c++) {
                Object v = t.column(c).isMissing(r) ? null : t.column(c).get(r);
                boolean number = v instanceof Number;
                String s = v == null ? "-" : v instanceof Double d ? (Double.isNaN(d) ? "-" : String.format(java.util.Locale.ROOT, "%." + digits + "f", d))
                        : v instanceof Float f ? String.format(java.util.Locale.ROOT, "%." + digits + "f", f) : v.toString();
                sb.append(number ? "<td style=\"text-align: right\">" : "<td style=\"text-align: left\">").append(escape(s)).append("</td>");
            }
            sb.append("</tr>\n");
        }
        return sb.append("</tbody>\n</table>").toString();
    }

    /**
     * Shows a table below the running notebook cell as HTML ({@link #html}), with the fixed-width
     * text of {@link Tables#rounded} as the plain-text fallback (printed outside a kernel). Void, so a
     * cell ending with it adds no "true".
     */
    public static void show(Table t, int digits) {
        org.emomc4j.notebook.Display.html(html(t, digits), Tables.rounded(t, digits).printAll());
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** For each sparse scheme (columns), the r below which it is smaller than dense, for a layer of N weights, per bit-width (rows). */
    public static Table breakEvens(long n, int[] bits, List<Coding> schemes, String name) {
        Table t = Table.create(name, IntColumn.create("bits", bits));
        for (Coding c : schemes)
            t.addColumns(DoubleColumn.create(c.cliName(), java.util.Arrays.stream(bits).mapToDouble(b -> c.breakEvenWithDense(n, b)).toArray()));
        return t;
    }
}
