package org.emomc4j.cli;

import org.emomc4j.data.Cifar10;
import org.emomc4j.data.DataLocation;
import org.emomc4j.data.Fetch;
import org.emomc4j.data.ImageSet;
import org.emomc4j.data.Splits;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code emomc data}: dataset location, fetch and info. */
@Command(name = "data", mixinStandardHelpOptions = true,
        description = "CIFAR-10: where it is, fetch it, count it.",
        subcommands = {DataCommand.Info.class, DataCommand.FetchCmd.class})
public final class DataCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() { spec.commandLine().usage(System.out); }

    /** Options every data-using command shares. */
    public static final class DataOptions {
        @Option(names = "--data", paramLabel = "DIR",
                description = "CIFAR-10 binary directory (default: $EMOMC_DATA, else datasets/cifar-10-batches-bin).")
        public Path data;

        @Option(names = "--val-size", defaultValue = "5000", description = "Validation images taken from the 50,000 training images (default: ${DEFAULT-VALUE}).")
        public int valSize;

        @Option(names = "--split-seed", defaultValue = "20210801", description = "Seed of the train/validation split (default: ${DEFAULT-VALUE}).")
        public long splitSeed;

        public Path dir() { return DataLocation.resolve(data); }

        public Splits load() { return Cifar10.load(dir()).splits(valSize, splitSeed); }
    }

    @Command(name = "info", mixinStandardHelpOptions = true, description = "Print the location used and per-class counts per split.")
    static final class Info implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        DataOptions opts = new DataOptions();

        @Override
        public Integer call() {
            Path dir = opts.dir();
            System.out.println("CIFAR-10 location: " + dir.toAbsolutePath() + "  (from " + DataLocation.describe(opts.data) + ")");
            long t0 = System.nanoTime();
            Cifar10 c = Cifar10.load(dir);
            Splits s = c.splits(opts.valSize, opts.splitSeed);
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "loaded %,d images in %.2f s; split seed %d%n",
                    c.officialTrain().size() + c.test().size(), secs, opts.splitSeed);
            List<String> names = c.classNames();
            System.out.printf(Locale.ROOT, "%-12s %10s %10s %10s%n", "class", "train", "val", "test");
            int[] tr = s.train().classCounts(), va = s.val().classCounts(), te = s.test().classCounts();
            for (int k = 0; k < ImageSet.CLASSES; k++)
                System.out.printf(Locale.ROOT, "%d %-10s %,10d %,10d %,10d%n", k, names.get(k), tr[k], va[k], te[k]);
            System.out.printf(Locale.ROOT, "%-12s %,10d %,10d %,10d%n", "total", s.train().size(), s.val().size(), s.test().size());
            return 0;
        }
    }

    @Command(name = "fetch", mixinStandardHelpOptions = true,
            description = "Download cifar-10-binary.tar.gz from the official site, verify its md5 and unpack it.")
    static final class FetchCmd implements Callable<Integer> {
        @Option(names = "--data", paramLabel = "DIR", description = "Target directory (default: as for every command).")
        Path data;

        @Option(names = "--timeout", defaultValue = "10", description = "Connect/read timeout in seconds (default: ${DEFAULT-VALUE}).")
        int timeout;

        @Override
        public Integer call() throws Exception {
            Path dir = DataLocation.resolve(data);
            System.out.println("fetching " + Fetch.URL + " into " + dir.toAbsolutePath());
            try {
                Fetch.fetch(dir, Duration.ofSeconds(timeout));
            } catch (java.io.IOException e) {
                System.err.println("error: " + e.getMessage());
                return 1;
            }
            System.out.println("CIFAR-10 is ready in " + dir.toAbsolutePath());
            return 0;
        }
    }
}
