package org.emomc4j.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.emomc4j.search.RunLayout;
import org.emomc4j.util.Csv;
import org.emomc4j.util.UserError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The README's results section of a finished reproduction: Tables II and III at 0.3, 1 and 2 %
 * loss beside the paper's row, Fig. 3's two arms, the fronts (Figs. 5 and 6) and Fig. 7, and each
 * stage's wall time, all read from the run directory's report files ({@code report/*.csv},
 * {@code reproduce.json}), so committed results regenerate it. The README holds it between the
 * markers {@link #begin} and {@link #end}; {@code ReadmeResultsTest} checks it against the
 * committed run, so the README never drifts from the numbers it quotes.
 */
public final class ResultsSection {
    private ResultsSection() { }

    public static String begin(String profile) { return "<!-- results:" + profile + ":begin (./emomc results-section " + profile + ") -->"; }

    public static String end(String profile) { return "<!-- results:" + profile + ":end -->"; }

    /**
     * The section's markdown (without the markers).
     *
     * @param run     the run directory (e.g. results/quick)
     * @param runLink the run directory as the README names it (e.g. results/quick)
     * @param figures the figures directory as the README links it (e.g. figures/quick)
     */
    public static String markdown(Path run, String runLink, String figures) throws IOException {
        RunLayout layout = new RunLayout(run);
        if (!Files.isRegularFile(layout.reproduceJson()) || !Files.isRegularFile(layout.table2()) || !Files.isRegularFile(layout.table3()))
            throw new UserError(run + " holds no finished reproduction (report/reproduce.json, table2-energy.csv, table3-size.csv): "
                    + "run ./emomc reproduce on it first");
        JsonNode rep = new ObjectMapper().readTree(layout.reproduceJson().toFile());
        JsonNode profile = rep.path("profile");
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Profile `%s`: VGG-16 width %s, CIFAR-10 (%s), baseline %.2f %% test accuracy. "
                        + "Each cell is the cheapest member of the search's front whose test accuracy is within the loss budget of the "
                        + "uncompressed network: cost, gain, and the loss in points with its paired 95 %% interval on the same "
                        + "%s test images (a star: the interval's upper end is within the budget). Gains divide by our own "
                        + "uncompressed network (r = 1, 32 bit); the paper's energy gains used another baseline (see Table II's note "
                        + "in `%s`).\n\n",
                profile.path("name").asText(), profile.path("width").asText(), profile.path("trainImages").asInt() > 0
                        ? profile.path("trainImages").asInt() + " training images" : "all 45,000 training images",
                100 * rep.path("baseline_test_accuracy").asDouble(),
                // A profile's slice of the test split (0: all of it, 10,000 images), the images the intervals pair on.
                String.format(Locale.ROOT, "%,d", profile.path("testImages").asInt() > 0 ? profile.path("testImages").asInt() : 10_000),
                runLink + "/report/tables.md"));

        sb.append("**Table II (energy, mJ)**\n\n| dataflow | 0.3 % | 1 % | 2 % | paper, 0.3 % |\n|---|---|---|---|---|\n");
        Map<String, Map<String, String[]>> t2 = byBudget(layout.table2());
        List<String> h2 = header(layout.table2());
        List<String[]> paper2 = Csv.readRows(layout.paperTable2());
        for (Map.Entry<String, Map<String, String[]>> e : t2.entrySet()) {
            sb.append("| ").append(e.getKey().replace("|", "\\|"));
            for (String b : BUDGETS) sb.append(" | ").append(cell(h2, e.getValue().get(b), "energy_mJ", "gain_x", " mJ"));
            sb.append(" | ").append(paperCell(paper2, e.getKey(), " mJ")).append(" |\n");
        }
        sb.append("\n**Table III (size, MB; rate against the dense 32-bit network, the paper's rule)**\n\n"
                + "| coding | 0.3 % | 1 % | 2 % | paper, 0.3 % |\n|---|---|---|---|---|\n");
        Map<String, Map<String, String[]>> t3 = byBudget(layout.table3());
        List<String> h3 = header(layout.table3());
        List<String[]> paper3 = Csv.readRows(layout.paperTable3());
        for (Map.Entry<String, Map<String, String[]>> e : t3.entrySet()) {
            sb.append("| ").append(e.getKey());
            for (String b : BUDGETS) sb.append(" | ").append(cell(h3, e.getValue().get(b), "size_MB", "rate_vs_dense32_x", " MB"));
            sb.append(" | ").append(paperCell(paper3, e.getKey(), " MB")).append(" |\n");
        }

        Path fig3 = layout.fig3Csv();
        if (Files.isRegularFile(fig3)) {
            Map<String, double[]> last = new LinkedHashMap<>();   // arm -> {epoch, accuracy} of its last epoch
            for (String[] r : Csv.readRows(fig3)) {
                double ep = Double.parseDouble(r[1]);
                double[] prev = last.get(r[0]);
                if (prev == null || ep >= prev[0]) last.put(r[0], new double[]{ep, Double.parseDouble(r[3])});
            }
            sb.append("\n**Fig. 3** (multi-step against single-step pruning to 5 % of the weights, validation accuracy after the last "
                    + "epoch): ");
            List<String> arms = new ArrayList<>();
            for (Map.Entry<String, double[]> e : last.entrySet())
                arms.add(String.format(Locale.ROOT, "%s %.1f %% after %d epochs", e.getKey(), 100 * e.getValue()[1], (int) e.getValue()[0]));
            sb.append(String.join(", ", arms)).append(". The paper: multi-step ends far more accurate. ")
                    .append("[figure](").append(figures).append("/fig3-pruning-steps.png)\n");
        }
        sb.append("\n**Figs. 5 and 6** (the fronts, test accuracy against energy per dataflow and against size per coding): ")
                .append("[energy](").append(figures).append("/fronts-energy.png), [size](").append(figures).append("/fronts-size.png). ")
                .append("**Fig. 7** (our aggregation score along the energy fronts, not the paper's formula): ")
                .append("[w = 5](").append(figures).append("/fig7-score-w5.png), [w = 1](").append(figures)
                .append("/fig7-score-w1.png), [w = 0.2](").append(figures).append("/fig7-score-w0.2.png).\n");

        JsonNode wall = rep.path("wall_time_s");
        if (wall.isObject() && wall.size() > 0) {
            List<String> parts = new ArrayList<>();
            for (var it = wall.fields(); it.hasNext(); ) {
                var f = it.next();
                // Per-search times: the stage's sum is listed. The total (extras included) comes last.
                if (f.getKey().contains("/") || f.getKey().equals("total")) continue;
                parts.add(f.getKey() + " " + org.emomc4j.search.Reproduce.eta(f.getValue().asDouble()));
            }
            if (wall.has("total")) parts.add("total " + org.emomc4j.search.Reproduce.eta(wall.path("total").asDouble()));
            sb.append("\nWall time (h:min:s, summed over sessions): ").append(String.join(", ", parts)).append(".\n");
        }
        return sb.toString();
    }

    /**
     * A README text with its block for a profile replaced by {@code section}; the markers must be
     * there (the README says where the section goes).
     */
    public static String replaceBlock(String readme, String profile, String section) {
        int b = readme.indexOf(begin(profile)), e = readme.indexOf(end(profile));
        if (b < 0 || e < b)
            throw new UserError("the README has no block " + begin(profile) + " ... " + end(profile) + ": add the two markers where "
                    + "the section goes");
        return readme.substring(0, b + begin(profile).length()) + "\n" + section + readme.substring(e);
    }

    /** The block for a profile as the README holds it (between the markers), or null. */
    public static String block(String readme, String profile) {
        int b = readme.indexOf(begin(profile)), e = readme.indexOf(end(profile));
        return b < 0 || e < b ? null : readme.substring(b + begin(profile).length() + 1, e);
    }

    private static final String[] BUDGETS = {"0.3", "1.0", "2.0"};

    /** Rows of a table CSV by its first column (dataflow or coding), then by budget. */
    private static Map<String, Map<String, String[]>> byBudget(Path csv) throws IOException {
        Map<String, Map<String, String[]>> out = new LinkedHashMap<>();
        for (String[] r : Csv.readRows(csv))
            out.computeIfAbsent(r[0], k -> new LinkedHashMap<>()).put(String.format(Locale.ROOT, "%.1f", Double.parseDouble(r[1])), r);
        return out;
    }

    /** "0.192 mJ, 4.3x, -0.11 [-0.56, 0.34]*", or "none" when no member is within the budget. */
    private static String cell(List<String> header, String[] row, String cost, String gain, String unit) {
        if (row == null) return "-";
        String c = at(row, header, cost);
        if (c.isBlank()) return "none within";
        String mark = "yes".equals(at(row, header, "upper_within_budget")) ? "*" : "";
        return String.format(Locale.ROOT, "%.3g%s, %.1fx, %.2f [%.2f, %.2f]%s", Double.parseDouble(c), unit,
                Double.parseDouble(at(row, header, gain)), Double.parseDouble(at(row, header, "loss_%")),
                Double.parseDouble(at(row, header, "loss_lo_%")), Double.parseDouble(at(row, header, "loss_hi_%")), mark);
    }

    /** A table CSV's column names. */
    private static List<String> header(Path csv) throws IOException {
        return List.of(Files.readAllLines(csv).get(0).split(","));
    }

    private static String at(String[] row, List<String> header, String column) {
        int i = header.indexOf(column);
        if (i < 0) throw new IllegalStateException("no column " + column + " in " + header);
        return i < row.length ? row[i] : "";
    }

    /** The paper's EMOMC row for a dataflow or coding: "1.7 mJ, 14.0x". */
    private static String paperCell(List<String[]> paper, String name, String unit) {
        for (String[] r : paper)
            if (r[0].startsWith("EMOMC") && r[1].equalsIgnoreCase(name))
                return String.format(Locale.ROOT, "%s%s, %sx", r[3], unit, r[4]);
        return "-";
    }
}
