package org.emomc4j.cli;

import org.emomc4j.data.ImageSet;
import org.emomc4j.data.Splits;
import org.emomc4j.report.Charts;
import org.emomc4j.report.Figures;
import org.emomc4j.search.RemainingGrid;
import org.emomc4j.search.Stage1;
import org.emomc4j.util.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code emomc prune}: stage 1, one pruned checkpoint per remaining fraction of a grid. */
@Command(name = "prune", mixinStandardHelpOptions = true,
        description = {"Stage 1: prune the base network to every remaining fraction of a grid, fine-tuning as it goes.",
                "independent = the reference (each grid point from the base over K steps, r^(s/K));",
                "chained = one pass from the largest r down, one epoch between grid points."})
public final class PruneCommand implements Callable<Integer> {

    @Option(names = "--checkpoint", required = true, paramLabel = "BASE", description = "Trained, uncompressed network.")
    Path base;

    @Option(names = "--grid", defaultValue = "0.20:0.80:0.01", description = "FROM:TO:STEP or a list (default: ${DEFAULT-VALUE}).")
    String grid;

    @Option(names = "--steps", defaultValue = "32", description = "K, one-epoch fine-tuning steps per grid point (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--mode", defaultValue = "independent", description = "independent (reference) or chained (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--parts", defaultValue = "1", paramLabel = "M",
            description = "Chained: each grid point after the first fine-tunes one epoch over a 1/M part of the training images "
                    + "(M consecutive points see each image once; the full profile: 5 on the 0.01 grid) (default: ${DEFAULT-VALUE}).")
    int parts;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Stage-1 directory.")
    Path out;

    @Option(names = "--resume", description = "Continue: finished grid points are skipped, a point in progress continues from its last step.")
    boolean resume;

    @Option(names = "--lr", defaultValue = "0.005", description = "Fine-tuning learning rate, decaying to 0 (cosine) over each grid point's steps (default: ${DEFAULT-VALUE}).")
    double lr;

    @Mixin
    FineTuneOptions tune = new FineTuneOptions();

    @Mixin
    DataCommand.DataOptions data = new DataCommand.DataOptions();

    @Override
    public Integer call() throws Exception {
        RemainingGrid g = RemainingGrid.parse(grid);
        Stage1.Mode m = Stage1.Mode.parse(mode);
        if (!Files.isRegularFile(base))
            throw new UserError("base checkpoint " + base + " does not exist: train one with './emomc train --out DIR' and pass DIR/last.ckpt");
        Splits s = data.load();
        ImageSet train = tune.train(s), val = tune.val(s);
        Stage1 stage1 = new Stage1(g, steps, m, tune.config(1, lr), parts);
        List<Stage1.Point> pts = stage1.run(base, train, val, 256, out, resume, Stage1.progress(System.out::println));
        System.out.printf(Locale.ROOT, "%n%-10s %14s%n", "remaining", "val accuracy");
        double[][] curve = new double[2][pts.size()];
        for (int i = 0; i < pts.size(); i++) {
            System.out.printf(Locale.ROOT, "%-10.2f %13.2f%%%n", pts.get(i).remaining(), 100 * pts.get(i).valAccuracy());
            curve[0][i] = pts.get(i).remaining();
            curve[1][i] = pts.get(i).valAccuracy();
        }
        Figures.save(Charts.accuracyVsRemaining("Stage 1: accuracy against remaining fraction", "stage 1 at " + out.getFileName(),
                Map.of(m.name().toLowerCase(Locale.ROOT), curve)), out.resolve("accuracy-vs-r"));
        System.out.println("checkpoints and " + Stage1.CSV + " in " + out.toAbsolutePath());
        return 0;
    }
}
