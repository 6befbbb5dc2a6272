package org.emomc4j.cli;

import org.emomc4j.data.DataLocation;
import org.emomc4j.metrics.PaperResults;
import org.emomc4j.report.Figures;
import org.emomc4j.report.Tables;
import org.emomc4j.search.ExtraStages;
import org.emomc4j.search.Profile;
import org.emomc4j.search.Reproduce;
import org.emomc4j.search.RunLayout;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code emomc reproduce}: the paper's whole pipeline for a profile, resumable. */
@Command(name = "reproduce", mixinStandardHelpOptions = true,
        description = {"Baseline training, stage 1 (pruning grid), stage 2 for every dataflow and coding scheme, reports.",
                "Run it again after an interruption: every stage resumes where it stopped. On a finished run nothing is",
                "computed: Tables II/III (report/) and the figures are rebuilt from its searches."})
public final class ReproduceCommand implements Callable<Integer> {

    @Option(names = "--profile", defaultValue = "smoke",
            description = {"smoke (minutes, CI), quick (about 2 h on 2 cores), full (VGG-16 width 1, the paper's search budget, bf16,",
                    "shared evaluation cache and racing; the plan it prints at the start gives its hours), paper (the reference settings).",
                    "Default: ${DEFAULT-VALUE}."})
    String profile;

    @Option(names = "--out", paramLabel = "DIR", description = "Run directory (default: $EMOMC_RUNS/<profile>, else runs/<profile>).")
    Path out;

    @Option(names = "--figures", paramLabel = "DIR", description = "Where figures go (default: figures/<profile>).")
    Path figures;

    @Option(names = "--data", paramLabel = "DIR", description = "CIFAR-10 directory (default: $EMOMC_DATA, else datasets/cifar-10-batches-bin).")
    Path data;

    @Option(names = "--baseline", paramLabel = "CKPT",
            description = "Use this trained checkpoint of the profile's network instead of training a baseline.")
    Path baseline;

    @Option(names = "--precision", paramLabel = "P",
            description = "Arithmetic stage 2 scores candidates in: fp32, bf16 or int8 (default: the profile's: int8 under full, else fp32). Test re-scoring stays fp32.")
    String precision;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of data slices, initial weights and training (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--extras", defaultValue = "all", paramLabel = "LIST",
            description = {"Stages beyond the paper's pipeline, run after it: fig3 (the paper's Fig. 3), peer (Pruning Filters rows),",
                    "stage3 (QAT of the chosen plans); comma-separated, all or none (default: ${DEFAULT-VALUE}).",
                    "Planned cost: smoke about a minute; quick at most about 24 epochs (some 30 minutes on 2 cores); paper days."})
    String extras;

    @Option(names = "--racing", paramLabel = "N[:ALPHA]|off",
            description = {"Stage 2's racing: score offspring on the first N scoring images first, in full only if they could still",
                    "survive NSGA-II's truncation (alpha: the bound's error level, default 0.001; the search stays the one",
                    "without racing unless a bound fails); off scores every candidate in full.",
                    "Default: the profile's (full: 512:0.001; the others: off). NSGA-II only."})
    String racing;

    @Option(names = "--plan", description = "Print the profile's planned budget and time per stage (with what the run directory measured so far) and stop.")
    boolean planOnly;

    @Override
    public Integer call() throws Exception {
        Profile p = Profile.parse(profile);
        if (precision != null) p = p.withPrecision(org.emomc4j.nn.Precision.parse(precision));
        if (racing != null) p = p.withRacing(parseRacing(racing));
        Path home = home();
        Path o = out != null ? out : RunLayout.of(RunLayout.runsRoot(home), p).root();
        Path f = figures != null ? figures : home.resolve("figures").resolve(p.name());
        if (planOnly) {
            for (String line : Reproduce.plan(new RunLayout(o), p)) System.out.println(line);
            return 0;
        }
        Reproduce.Report r = Reproduce.run(new Reproduce.Options(p, o, DataLocation.resolve(data), seed, baseline,
                ExtraStages.Stage.parseOrAll(extras)), line -> System.out.println(line));
        Figures.saveReproduction(r, f);
        RunLayout layout = new RunLayout(o);
        Tables.saveReproduction(r, layout.tablesMarkdown());
        Figures.saveExtras(r, f);
        System.out.println();
        System.out.println(Tables.rounded(Tables.emomcColumns(r.tableII()), 3).printAll());
        System.out.println(Tables.rounded(Tables.sideBySide(r.tableII()), 2).printAll());
        System.out.println();
        System.out.println(Tables.rounded(PaperResults.tableII(), 1).printAll());
        System.out.println(PaperResults.ENERGY_NOTE);
        System.out.println();
        System.out.println(Tables.rounded(Tables.emomcColumns(r.tableIII()), 3).printAll());
        System.out.println(Tables.rounded(Tables.sideBySide(r.tableIII()), 2).printAll());
        System.out.println();
        System.out.println(Tables.rounded(PaperResults.tableIII(), 1).printAll());
        System.out.println(PaperResults.SIZE_NOTE);
        System.out.println();
        if (r.extras() != null && !r.extras().stage3().isEmpty()) {
            System.out.println("Stage 3 (beyond the paper): test accuracy of the chosen plans before and after QAT");
            for (var x : r.extras().stage3())
                System.out.printf(Locale.ROOT, "  %-12s %-5s %-48s %6.2f %% -> %6.2f %% (%+.2f)%n", x.front(), x.role(),
                        org.emomc4j.search.Stage3.label(x.result().plan()), 100 * x.result().testBefore(), 100 * x.result().testAfter(),
                        100 * x.result().testRecovered());
            System.out.println();
        }
        if (r.extras() != null) {
            for (tech.tablesaw.api.Table t : new tech.tablesaw.api.Table[]{r.extras().peerEnergy(), r.extras().peerSize(), r.extras().stage3Gains()})
                if (t != null) System.out.println(Tables.rounded(t, 4).printAll() + "\n");
        }
        StringBuilder sb = new StringBuilder("wall time:");
        for (Map.Entry<String, Double> e : r.wallSeconds().entrySet())
            sb.append(String.format(Locale.ROOT, " %s %s", e.getKey(), Reproduce.eta(e.getValue())));
        System.out.println(sb);
        System.out.println("run directory: " + o.toAbsolutePath() + "\ntables: " + layout.tablesMarkdown().toAbsolutePath()
                + "\nfigures: " + f.toAbsolutePath());
        return 0;
    }

    /** {@code off}, {@code N} or {@code N:ALPHA}. */
    static org.emomc4j.search.Racing parseRacing(String text) {
        String t = text.trim();
        if (t.equalsIgnoreCase("off")) return org.emomc4j.search.Racing.OFF;
        String[] f = t.split(":");
        try {
            return new org.emomc4j.search.Racing(Integer.parseInt(f[0].trim()),
                    f.length > 1 ? Double.parseDouble(f[1].trim()) : org.emomc4j.search.Racing.DEFAULT.alpha());
        } catch (NumberFormatException e) {
            throw new org.emomc4j.util.UserError("--racing '" + text + "': use off, N (slice images) or N:ALPHA, e.g. 512:0.001");
        }
    }

    /** The project root (EMOMC_HOME from the launcher), else the working directory. */
    static Path home() {
        String h = System.getenv("EMOMC_HOME");
        return h == null || h.isBlank() ? Path.of("") : Path.of(h);
    }

}
