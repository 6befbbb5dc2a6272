package org.emomc4j.report;

import org.emomc4j.search.Evaluation;
import org.emomc4j.search.Genome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class ReportTest {

    @TempDir
    Path tmp;

    private static Evaluation ev(double acc, double energy, double size) {
        return new Evaluation(new Genome(0.5, new int[]{4, 4}), acc, energy, size, 0);
    }

    @Test
    void bestGainRespectsTheAccuracyBudget() {
        List<Evaluation> front = List.of(ev(0.930, 4.0, 100), ev(0.928, 2.0, 80), ev(0.921, 1.0, 50), ev(0.90, 0.5, 20));
        double[] g03 = Tables.bestGain(front, Charts.Cost.ENERGY, 0.931, 10.0, 0.003);
        assertEquals(2.0, g03[0]);
        assertEquals(5.0, g03[1], 1e-12);
        double[] g1 = Tables.bestGain(front, Charts.Cost.ENERGY, 0.931, 10.0, 0.01);
        assertEquals(1.0, g1[0]);
        double[] none = Tables.bestGain(front, Charts.Cost.ENERGY, 0.99, 10.0, 0.003);
        assertTrue(Double.isNaN(none[1]));
        assertEquals("5.0x", Tables.gain(g03[1]));
    }

    @Test
    void gainsTableAndFrontTableHaveOneRowPerEntry() {
        Map<String, List<Evaluation>> fronts = new LinkedHashMap<>();
        fronts.put("XY", List.of(ev(0.93, 1.0, 10)));
        fronts.put("ICOC", List.of(ev(0.93, 2.0, 10), ev(0.92, 1.5, 9)));
        Table t = Tables.gains("II", Charts.Cost.ENERGY, 0.931, Map.of("XY", 13.0, "ICOC", 15.0), fronts, 0.003, 0.01);
        assertEquals(4, t.rowCount(), "one line per (dataflow, budget)");
        assertEquals(13.0, t.doubleColumn("gain_x").get(0), 1e-12);
        // ICOC at 1 %: 0.92 is within (loss 1.1 points? no: 0.931 - 0.92 = 1.1 points > 1 %), so 2.0 mJ, gain 7.5.
        assertEquals(7.5, t.doubleColumn("gain_x").get(3), 1e-12);
        assertTrue(Tables.markdown(t, 2).startsWith("| dataflow | budget_% |"), Tables.markdown(t, 2));
        Table named = Table.create("n", tech.tablesaw.api.StringColumn.create("dataflow", "X|Y"));
        assertEquals("| dataflow |\n|---|\n| X\\|Y |\n", Tables.markdown(named, 1), "the paper's names keep their cell");
        assertEquals(2, Tables.front("f", fronts.get("ICOC")).rowCount());
    }

    @Test
    void figuresAreWrittenAsPngAndSvg() throws Exception {
        Map<String, List<Evaluation>> fronts = Map.of("XY", List.of(ev(0.93, 1.0, 10), ev(0.9, 0.5, 5)));
        var chart = Charts.fronts("front", "profile test", Charts.Cost.ENERGY, fronts);
        assertTrue(chart.getTitle().contains("profile test"), "figure names its profile");
        Figures.save(chart, tmp.resolve("fig/front"));
        byte[] png = Files.readAllBytes(tmp.resolve("fig/front.png"));
        assertEquals((byte) 0x89, png[0]);
        assertEquals('P', png[1]);
        String svg = Files.readString(tmp.resolve("fig/front.svg"));
        assertTrue(svg.contains("<svg"), "svg content");
    }

    /**
     * Figure rules: paper names, baseline and budget lines, the accuracy axis on the trade-off
     * region with a degenerate plan marked below it (not stretching the axis), a title that fits,
     * and the data (with the true accuracy of the outlier) saved as CSV beside the picture.
     */
    @Test
    void frontChartsFollowTheFigureRules() throws Exception {
        Map<String, List<Evaluation>> fronts = new LinkedHashMap<>();
        fronts.put("XY", List.of(ev(0.93, 4.0, 10), ev(0.925, 2.0, 8), ev(0.20, 0.5, 2)));
        fronts.put("ICOC", List.of(ev(0.929, 3.0, 9)));
        var chart = Charts.fronts("Fig. 5: test accuracy vs energy per dataflow",
                "profile quick, VGG-16 width 0.25, CIFAR-10 test (10000 images)", Charts.Cost.ENERGY, fronts, 0.931, 0.003, 0.01, 0.02);
        assertTrue(chart.getTitle().length() <= Charts.TITLE_CHARS, chart.getTitle());
        assertTrue(chart.getTitle().startsWith("Fig. 5: test accuracy vs energy per dataflow [profile quick"), chart.getTitle());
        var series = chart.getSeriesMap().keySet();
        assertTrue(series.containsAll(List.of("X|Y", "IC|OC", "uncompressed 93.10 %", "-0.3 % loss", "-1 % loss", "-2 % loss")), series.toString());
        assertTrue(series.contains("1 plans below 87.1 %"), series.toString());
        assertEquals(87.1, chart.getStyler().getYAxisMin(), 1e-9, "6 points (3 x the 2 % budget) below the baseline");
        assertEquals(4.0 * 1.05, chart.getStyler().getXAxisMax(), 1e-9);
        Figures.save(chart, tmp.resolve("f/fig5"));
        List<String[]> rows = org.emomc4j.util.Csv.readRows(tmp.resolve("f/fig5.csv"));
        assertEquals(4, rows.size());
        assertTrue(rows.stream().anyMatch(r -> r[0].equals("X|Y") && Double.parseDouble(r[3]) == 20.0 && r[5].equals("below")));
        assertTrue(Files.exists(tmp.resolve("f/fig5.png")) && Files.exists(tmp.resolve("f/fig5.svg")));
    }

    /** Fig. 7 (our score): the uncompressed network's point would score 1; each front's peak is marked and flagged in the CSV. */
    @Test
    void aggregationChartMarksThePeak() throws Exception {
        Map<String, List<Evaluation>> fronts = Map.of("XY", List.of(ev(0.89, 2.0, 1), ev(0.80, 1.0, 1)));
        var chart = Charts.aggregation("profile test", 5, fronts, Map.of("XY", new double[]{0.90, 10}));
        assertTrue(chart.getSeriesMap().containsKey("peak X|Y: 5.55 at 80.00 %"), chart.getSeriesMap().keySet().toString());
        Figures.save(chart, tmp.resolve("f7"));
        List<String[]> rows = org.emomc4j.util.Csv.readRows(tmp.resolve("f7.csv"));
        assertEquals("yes", rows.stream().filter(r -> r[4].equals("80.0")).findFirst().orElseThrow()[7]);
    }
}
