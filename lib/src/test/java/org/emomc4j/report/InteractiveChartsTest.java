package org.emomc4j.report;

import org.emomc4j.compress.CompressionPlan;
import org.emomc4j.compress.coding.Coding;
import org.emomc4j.hw.Dataflow;
import org.emomc4j.hw.ReferenceEnergyModel;
import org.emomc4j.metrics.Gains;
import org.emomc4j.nn.NetworkSpec;
import org.emomc4j.notebook.Display;
import org.emomc4j.search.Evaluation;
import org.emomc4j.search.Genome;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The interactive charts carry the cost models' own numbers, and stay small enough for a notebook. */
class InteractiveChartsTest {

    static final NetworkSpec VGG = NetworkSpec.vgg16();

    /** The inline CSV rows of a spec's (first) data set, header dropped. */
    @SuppressWarnings("unchecked")
    static List<String[]> rows(Map<String, Object> data) {
        String[] lines = ((String) data.get("values")).split("\n");
        return Arrays.stream(lines).skip(1).map(l -> l.split(",")).toList();
    }

    @Test
    void layerEnergyRowsAreTheReferenceModelsEnergies() {
        var model = ReferenceEnergyModel.of(VGG);
        VegaLite v = InteractiveCharts.layerEnergy(model, VGG, InteractiveCharts.R_GRID, InteractiveCharts.BITS_GRID, 0.5, 4, Dataflow.ICOC, 8);
        assertEquals(List.of("r", "bits", "dataflow", "layer"), v.inputs());
        @SuppressWarnings("unchecked") List<String[]> rows = rows((Map<String, Object>) v.spec().get("data"));
        assertEquals(VGG.layers().size() * 4 * InteractiveCharts.R_GRID.length * InteractiveCharts.BITS_GRID.length, rows.size());
        var rep = model.report(CompressionPlan.uniform(VGG, 0.3, 7), Dataflow.FXFY);
        int checked = 0;
        for (String[] r : rows)
            if (r[1].equals(Integer.toString(Dataflow.FXFY.ordinal())) && Double.parseDouble(r[2]) == 0.3 && r[3].equals("7")) {
                double want = rep.layers().get(Integer.parseInt(r[0])).total();
                assertEquals(want, Double.parseDouble(r[4]), 5e-4 * want, "layer " + r[0]);
                checked++;
            }
        assertEquals(VGG.layers().size(), checked);
        assertTrue(v.bytes() < 300_000, "spec of " + v.bytes() + " bytes");
        assertTrue(v.json().contains("\"value\":" + Dataflow.ICOC.ordinal()), "the menu starts at the knob's dataflow");
    }

    @Test
    void codingBitsCarryTheClosedFormsAndTheirBreakEvens() {
        int[] bits = {3, 4, 5};
        VegaLite v = InteractiveCharts.codingBits(VGG, InteractiveCharts.R_GRID_FINE, bits, 4, 2);
        @SuppressWarnings("unchecked") List<Object> layers = (List<Object>) v.spec().get("layer");
        @SuppressWarnings("unchecked") List<String[]> sizes = rows((Map<String, Object>) ((Map<String, Object>) ((Map<?, ?>) layers.get(0)).get("data")));
        long n = VGG.layer(5).weightCount();
        String[] coo = sizes.stream().filter(r -> r[0].equals("5") && r[1].equals(Integer.toString(Coding.COO.ordinal()))
                && Double.parseDouble(r[2]) == 0.35 && r[3].equals("5")).findFirst().orElseThrow();
        assertEquals(Coding.COO.closedFormBits(n, 0.35, 5) / n, Double.parseDouble(coo[4]), 1e-3 * Double.parseDouble(coo[4]));
        @SuppressWarnings("unchecked") List<String[]> evens = rows((Map<String, Object>) ((Map<String, Object>) ((Map<?, ?>) layers.get(1)).get("data")));
        String[] csr = evens.stream().filter(r -> r[0].equals("5") && r[1].equals(Integer.toString(Coding.CSR.ordinal())) && r[2].equals("4"))
                .findFirst().orElseThrow();
        assertEquals(4.0 / 7.0, Double.parseDouble(csr[3]), 1e-3, "CSR beats dense below b / (b + 3)");
        assertTrue(v.bytes() < 300_000);
    }

    @Test
    void slidersNeedGridsEverySliderStopHits() {
        var model = ReferenceEnergyModel.of(VGG);
        assertThrows(IllegalArgumentException.class,
                () -> InteractiveCharts.layerEnergy(model, VGG, InteractiveCharts.R_GRID, new int[]{2, 4, 8}, 0.5, 4, Dataflow.XY, 0));
        assertThrows(IllegalArgumentException.class,
                () -> InteractiveCharts.energyComponents(model, VGG, new double[]{0.1, 0.2, 0.5}, InteractiveCharts.BITS_GRID, 0.5, 4, Dataflow.XY));
        assertThrows(IllegalArgumentException.class,
                () -> InteractiveCharts.codingBits(VGG, InteractiveCharts.R_GRID_FINE, InteractiveCharts.BITS_GRID, 4, VGG.layers().size()));
    }

    @Test
    void energyComponentsSumToTheModelsTotal() {
        var model = ReferenceEnergyModel.of(VGG);
        VegaLite v = InteractiveCharts.energyComponents(model, VGG, InteractiveCharts.R_GRID, InteractiveCharts.BITS_GRID, 0.4, 6, Dataflow.XFX);
        @SuppressWarnings("unchecked") List<String[]> rows = rows((Map<String, Object>) v.spec().get("data"));
        double sum = rows.stream().filter(r -> r[0].equals(Integer.toString(Dataflow.XFX.ordinal())) && Double.parseDouble(r[1]) == 0.4 && r[2].equals("6"))
                .mapToDouble(r -> Double.parseDouble(r[4])).sum();
        double want = model.energy(CompressionPlan.uniform(VGG, 0.4, 6), Dataflow.XFX);
        assertEquals(want, sum, 1e-3 * want);
    }

    @Test
    void frontsShowTheGenomeThePaperNamesAndMarkPlansBelowTheWindow() {
        NetworkSpec spec = NetworkSpec.vgg("vgg16", 0.25);
        int[] bits = new int[spec.layers().size()];
        Arrays.fill(bits, 6);
        bits[0] = 8;
        bits[13] = 3;
        Evaluation good = new Evaluation(new Genome(0.45, bits), 0.85, 0.05, 300, 0), bad = new Evaluation(new Genome(0.2, bits), 0.40, 0.01, 100, 0);
        Map<String, List<Evaluation>> fronts = new LinkedHashMap<>();
        fronts.put("ICOC", List.of(good, bad));
        var gains = new Gains.Fronts(Gains.Kind.ENERGY, Map.of("IC|OC", List.of()), Map.of("IC|OC", new Gains.Baseline(0.86, 0.2, Double.NaN, null)));
        VegaLite v = InteractiveCharts.fronts("Fig. 5", "profile test", Charts.Cost.ENERGY, fronts, spec, gains, 0.003, 0.01);
        String json = v.json();
        assertTrue(json.contains("\"plan\":\"IC|OC\""), json);
        assertFalse(json.contains("\"ICOC\""), "enum names stay out of the chart");
        assertTrue(json.contains("\"bits conv0-conv3\":\"8 6 6 6\""), "the genome, readable, in the tooltip");
        assertTrue(json.contains("\"bits conv12-fc\":\"6 3\""));
        assertTrue(json.contains("\"gain (x)\":4.0"), "0.2 mJ / 0.05 mJ");
        assertTrue(json.contains("uncompressed 86.00 %") && json.contains("-0.3 % loss") && json.contains("-1 % loss"));
        assertTrue(json.contains("\"test accuracy (%)\":40.0,\"shown\":" + (81.0 + InteractiveCharts.FLOOR_OFFSET_POINTS)),
                "a plan below the window sits on its floor, its accuracy kept: " + json);
    }

    @Test
    void outsideAKernelTheBundlePrintsItsText() {
        var out = new java.io.ByteArrayOutputStream();
        Map<String, Object> b = new LinkedHashMap<>();
        b.put(Display.TEXT, "a chart");
        b.put(Display.VEGA_LITE, Map.of());
        assertFalse(org.emomc4j.notebook.DisplayAccess.bundle(b, new java.io.PrintStream(out)));
        assertEquals("a chart", out.toString().strip());
        assertThrows(IllegalArgumentException.class, () -> Display.bundle(Map.of(Display.HTML, "<b>x</b>")));
    }

    @Test
    void htmlTablesEscapeAndFormat() {
        Table t = Table.create("a <table> & more", StringColumn.create("dataflow", List.of("X|Y", "<b>")),
                DoubleColumn.create("gain", new double[]{2.34567, Double.NaN}));
        String html = NotebookTables.html(t, 2);
        assertTrue(html.contains("<caption") && html.contains("a &lt;table&gt; &amp; more"), html);
        assertTrue(html.contains("<th>dataflow</th><th>gain</th>"));
        assertTrue(html.contains(">X|Y</td>") && html.contains(">&lt;b&gt;</td>"));
        assertTrue(html.contains(">2.35</td>") && html.contains(">-</td>"), html);
    }
}
