package org.emomc4j.cli;

import org.emomc4j.search.Racing;
import org.emomc4j.search.RacingReplay;
import org.emomc4j.util.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code emomc racing-replay}: how racing would have decided on stored searches ({@link RacingReplay}), read only. */
@Command(name = "racing-replay", mixinStandardHelpOptions = true,
        description = {"Runs stored searches (made without racing) again with racing on, answering every accuracy from their",
                "correctness.txt (every candidate's per-image correctness) and every cost from the cost models: genomes raced,",
                "scoring images saved, bound failures, and whether the replay ends with the stored front. Reads only; takes",
                "seconds per search (no network is evaluated)."})
public final class RacingReplayCommand implements Callable<Integer> {

    @Option(names = "--search", required = true, paramLabel = "DIR", split = ",",
            description = "Search directories, or a run directory (its search/* are replayed).")
    List<Path> searches;

    @Option(names = "--slice", split = ",", paramLabel = "N", defaultValue = "1024",
            description = "Slice sizes to replay (first N scoring images; default: ${DEFAULT-VALUE}).")
    List<Integer> slices;

    @Option(names = "--alpha", split = ",", paramLabel = "A", defaultValue = "0.001",
            description = "Error levels of the upper confidence bound (0: certain; default: ${DEFAULT-VALUE}).")
    List<Double> alphas;

    @Override
    public Integer call() throws Exception {
        List<Path> dirs = new ArrayList<>();
        for (Path p : searches) {
            Path sub = p.resolve("search");
            if (Files.isDirectory(sub)) {
                try (var s = Files.list(sub)) { s.filter(Files::isDirectory).sorted().forEach(dirs::add); }
            } else dirs.add(p);
        }
        if (dirs.isEmpty()) throw new UserError("no search directory under " + searches);
        System.out.println("search,slice,alpha,scoring_images,stored_genomes,genomes,raced,bound_failed,same_front,front_size,"
                + "diverged_at,images_saved,prepares,time_saved_w1");
        for (int n : slices)
            for (double a : alphas)
                for (Path d : dirs) {
                    RacingReplay.Result r = RacingReplay.replay(d, new Racing(n, a));
                    System.out.printf(Locale.ROOT, "%s,%d,%s,%d,%d,%d,%d,%d,%s,%d,%d,%.4f,%d,%.4f%n", r.search(), n, a,
                            r.scoringImages(), r.storedCandidates(), r.candidates(), r.raced(), r.boundFailed(),
                            r.sameFront() ? "yes" : "no", r.frontSize(), r.divergedAt(), r.saved(), r.prepares(), r.timeSaved(370));
                }
        return 0;
    }
}
