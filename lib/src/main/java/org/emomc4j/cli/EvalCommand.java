package org.emomc4j.cli;

import org.emomc4j.data.ImageSet;
import org.emomc4j.data.Splits;
import org.emomc4j.nn.Model;
import org.emomc4j.nn.Precision;
import org.emomc4j.search.Genome;
import org.emomc4j.search.PrecisionAgreement;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code emomc eval}: top-1 accuracy of a checkpoint on the validation or test split, in fp32,
 * bf16 or int8; with {@code --agreement N}, how far bf16/int8 scoring of N random compression
 * plans lands from fp32 scoring ({@link PrecisionAgreement}).
 */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Print the top-1 accuracy of a checkpoint.")
public final class EvalCommand implements Callable<Integer> {

    @Mixin
    DataCommand.DataOptions data = new DataCommand.DataOptions();

    @Option(names = "--checkpoint", required = true, description = "Checkpoint file (e.g. RUN/last.ckpt).")
    Path checkpoint;

    @Option(names = "--split", defaultValue = "test", description = "val or test (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--batch", defaultValue = "256", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--precision", split = ",", paramLabel = "P", defaultValue = "fp32",
            description = "fp32, bf16 or int8; several (comma-separated) with --agreement (default: ${DEFAULT-VALUE}).")
    List<String> precision = new ArrayList<>();

    @Option(names = "--calibration-images", defaultValue = "" + Precision.CALIBRATION_IMAGES,
            description = "int8: training images that calibrate activation ranges (default: ${DEFAULT-VALUE}).")
    int calibrationImages;

    @Option(names = "--agreement", paramLabel = "N", defaultValue = "0",
            description = "Score N random compression plans in fp32 and in each --precision and print the differences.")
    int agreement;

    @Option(names = "--plan-seed", defaultValue = "1", description = "Seed of the random plans of --agreement (default: ${DEFAULT-VALUE}).")
    long planSeed;

    @Option(names = "--images", defaultValue = "0", description = "Evaluate on a class-balanced sample of this many images (0 = the whole split).")
    int images;

    @Override
    public Integer call() {
        if (!split.equals("val") && !split.equals("test"))
            throw new IllegalArgumentException("--split must be val or test, got '" + split + "'");
        List<Precision> ps = precision.stream().map(Precision::parse).toList();
        if (agreement == 0 && ps.size() != 1)
            throw new IllegalArgumentException("give one --precision (several only with --agreement N)");
        Model m = Model.load(checkpoint);
        Splits s = data.load();
        ImageSet set = s.get(split);
        if (images > 0) set = set.balancedSample(images, data.splitSeed);
        if (ps.contains(Precision.INT8)) m.setCalibration(s.train(), calibrationImages);
        if (agreement > 0) return agreement(m, set, s.train(), ps);
        Precision p = ps.get(0);
        long t0 = System.nanoTime();
        Model.Evaluation e = m.evaluate(set, batch, p);
        double sec = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "%s %s %s: top-1 %.2f%% (%d images, loss %.4f, %.1f s)%n",
                m.spec().id(), split, p.id(), 100 * e.accuracy(), e.images(), e.loss(), sec);
        return 0;
    }

    private int agreement(Model m, ImageSet set, ImageSet train, List<Precision> ps) {
        List<Genome> plans = PrecisionAgreement.randomPlans(m.spec().size(), agreement, planSeed);
        List<Precision> others = ps.stream().filter(p -> p != Precision.FP32).toList();
        System.out.printf(Locale.ROOT, "%s on %d %s images, %d random plans (seed %d)%n", m.spec().id(), set.size(), split, agreement, planSeed);
        StringBuilder h = new StringBuilder(String.format(Locale.ROOT, "%-4s %-5s %-44s %8s", "plan", "r", "bits", "fp32 %"));
        for (Precision p : others) h.append(String.format(Locale.ROOT, " %8s %8s", p.id() + " %", "d pts"));
        System.out.println(h);
        int[] k = {0};
        List<PrecisionAgreement.Row> rows = PrecisionAgreement.measure(m, set, train, calibrationImages, plans, others, batch, r -> {
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-4d %-5.2f %-44s %8.2f", ++k[0], r.plan().remaining(),
                    Arrays.toString(r.plan().bits()), 100 * r.accuracy().get(Precision.FP32)));
            for (Precision p : others) b.append(String.format(Locale.ROOT, " %8.2f %+8.2f", 100 * r.accuracy().get(p), r.pointsFromFp32(p)));
            System.out.println(b);
        });
        for (Precision p : List.of(Precision.FP32, Precision.BF16, Precision.INT8)) {
            if (p != Precision.FP32 && !others.contains(p)) continue;
            double sec = rows.stream().mapToDouble(r -> r.seconds().get(p)).sum();
            String line = String.format(Locale.ROOT, "%s: %.0f img/s over all plans", p.id(), rows.size() * (double) set.size() / sec);
            if (p != Precision.FP32) {
                double all = rows.stream().mapToDouble(r -> Math.abs(r.pointsFromFp32(p))).max().orElse(0);
                double ge4 = rows.stream().filter(r -> r.allBitsAtLeast(4)).mapToDouble(r -> Math.abs(r.pointsFromFp32(p))).max().orElse(Double.NaN);
                long n4 = rows.stream().filter(r -> r.allBitsAtLeast(4)).count();
                line += String.format(Locale.ROOT, "; max |d| %.2f pts over all plans, %.2f pts over the %d plans with all bits >= 4", all, ge4, n4);
            }
            System.out.println(line);
        }
        return 0;
    }
}
