package org.emomc4j.cli;

import org.emomc4j.nn.TrainingRun;
import org.emomc4j.report.Charts;
import org.emomc4j.report.Figures;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code emomc training-runs}: a baseline made in several training runs as one accuracy-versus-epochs
 * chart and table ({@link TrainingRun}, {@link Charts#trainingRuns}), from the runs' small files only.
 */
@Command(name = "training-runs", mixinStandardHelpOptions = true,
        description = {"Draws the validation accuracy per epoch of training runs that continue one another (warm restarts, SWA),",
                "each starting where the run it was started from ended (init.json), with SWA averages and test accuracies",
                "(eval-test.txt, or the reproduction's report/baseline-test.json when its checksum is the run's network's);",
                "writes BASE.png, BASE.svg and BASE.csv and prints one line per run."})
public final class TrainingRunsCommand implements Callable<Integer> {

    @Parameters(paramLabel = "[LABEL=]DIR", arity = "1..*",
            description = "Training run directories (`./emomc train --out DIR`), oldest first; LABEL names a run in the chart (default: the directory's name).")
    List<String> runs;

    @Option(names = "--out", paramLabel = "BASE", required = true, description = "Path of the figure without extension, e.g. figures/full/baseline-training.")
    Path out;

    @Option(names = "--y-min", paramLabel = "PERCENT", description = "Lowest accuracy on the axis (default: the data's own range).")
    Double yMin;

    @Option(names = "--title", paramLabel = "TEXT", description = "The chart's title (default: ${DEFAULT-VALUE}).",
            defaultValue = "Baseline runs, validation accuracy per epoch")
    String title;

    @Override
    public Integer call() throws Exception {
        List<TrainingRun> read = new ArrayList<>();
        for (String arg : runs) {
            int eq = arg.indexOf('=');
            read.add(eq > 0 ? TrainingRun.read(arg.substring(0, eq), Path.of(arg.substring(eq + 1))) : TrainingRun.read(Path.of(arg)));
        }
        TrainingRun first = read.get(0);
        // The data the figure was drawn from: the network and the validation images, from the first run's key.
        String val = first.settings().getOrDefault("val_images", "?").split(" ")[0];
        String data = first.settings().getOrDefault("model", "network") + ", CIFAR-10 val (" + val + " images)";
        Figures.save(Charts.trainingRuns(title, data, read, yMin == null ? Double.NaN : yMin), out);
        int[] start = TrainingRun.startEpochs(read);
        for (int i = 0; i < read.size(); i++) {
            TrainingRun r = read.get(i);
            System.out.printf(Locale.ROOT, "%-14s epochs %d-%d  %-44s last val %s%s%s%n", r.label(), start[i] + 1,
                    start[i] + r.epochs().size(), r.recipe(), pct(r.lastValAccuracy()),
                    r.swaValAccuracy().isPresent() ? "  SWA val " + pct(r.swaValAccuracy().getAsDouble()) : "",
                    r.testAccuracy().isPresent() ? "  test " + pct(r.testAccuracy().getAsDouble()) : "");
        }
        System.out.println("wrote " + out + ".png, .svg, .csv");
        return 0;
    }

    private static String pct(double f) { return Double.isNaN(f) ? "-" : String.format(Locale.ROOT, "%.2f %%", 100 * f); }
}
