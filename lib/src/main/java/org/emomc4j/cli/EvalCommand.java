package org.emomc4j.cli;

import org.emomc4j.util.UserError;
import org.emomc4j.compress.CompressionPlan;
import org.emomc4j.compress.ReferenceCompression;
import org.emomc4j.data.ImageSet;
import org.emomc4j.data.Splits;
import org.emomc4j.dl4j.Dl4jNetwork;
import org.emomc4j.nn.Model;
import org.emomc4j.nn.Precision;
import org.emomc4j.nn.WeightTransform;
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
 * {@code emomc eval}: top-1 accuracy of a checkpoint (or of its compressed network) on the
 * validation or test split, in fp32, bf16 or int8; with {@code --agreement N}, how far bf16/int8
 * scoring of N random compression plans lands from fp32 scoring ({@link PrecisionAgreement}).
 */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Print the top-1 accuracy of a checkpoint, or of its compressed network with --remaining R --bits ...")
public final class EvalCommand implements Callable<Integer> {

    @Mixin
    DataCommand.DataOptions data = new DataCommand.DataOptions();

    @Option(names = "--checkpoint", description = "Checkpoint file (e.g. RUN/last.ckpt).")
    Path checkpoint;

    @Option(names = "--dl4j", paramLabel = "ZIP", description = "Instead of --checkpoint: a DL4J model zip, evaluated by DL4J's own evaluate.")
    Path dl4j;

    @Option(names = "--split", defaultValue = "test", description = "val or test (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--batch", defaultValue = "256", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    /** With --remaining/--bits: the compressed network, as the search scores it (stored weights untouched). */
    @Mixin
    PlanOptions plan = new PlanOptions();

    @Option(names = "--precision", split = ",", paramLabel = "P", defaultValue = "fp32",
            description = "fp32, bf16 or int8; several (comma-separated) with --agreement (default: ${DEFAULT-VALUE}).")
    List<String> precision = new ArrayList<>();

    @Option(names = "--calibration-images", defaultValue = "" + Precision.CALIBRATION_IMAGES,
            description = "int8: training images that calibrate activation ranges (default: ${DEFAULT-VALUE}).")
    int calibrationImages;

    @Option(names = "--agreement", paramLabel = "N", defaultValue = "0",
            description = "Score N random compression plans in fp32 and in each --precision and print the differences.")
    int agreement;

    @Option(names = "--plans", paramLabel = "FILE",
            description = {"Instead of random plans, --agreement scores these: one genome per line, r|b0,b1,... (a search's",
                    "evaluations.csv genome column, with ';' between bits, is read too); N is the file's count."})
    java.nio.file.Path plansFile;

    @Option(names = "--plan-seed", defaultValue = "1", description = "Seed of the random plans of --agreement (default: ${DEFAULT-VALUE}).")
    long planSeed;

    @Option(names = "--images", defaultValue = "0", description = "Evaluate on a class-balanced sample of this many images (0 = the whole split).")
    int images;

    @Override
    public Integer call() {
        if (!split.equals("val") && !split.equals("test"))
            throw new UserError("--split must be val or test, got '" + split + "'");
        if ((checkpoint == null) == (dl4j == null))
            throw new UserError("give exactly one of --checkpoint C or --dl4j ZIP");
        List<Precision> ps = precision.stream().map(Precision::parse).toList();
        List<Genome> given = plansFile == null ? null : readPlans(plansFile);
        if (given != null) agreement = given.size();
        if (agreement == 0 && ps.size() != 1)
            throw new UserError("give one --precision (several only with --agreement N or --plans FILE)");
        if (dl4j != null) {
            if (ps.size() != 1 || ps.get(0) != Precision.FP32 || agreement > 0)
                throw new UserError("--dl4j evaluates with DL4J in fp32: --precision and --agreement need --checkpoint");
            return evalDl4j();
        }
        Model m = Model.load(checkpoint);
        CompressionPlan p = plan.weightsOnly().plan(m.spec());
        if (p != null && agreement > 0)
            throw new UserError("--agreement draws its own random plans: drop --remaining/--bits");
        if (p != null) {
            WeightTransform t = ReferenceCompression.transform(p);
            for (int l = 0; l < m.spec().size(); l++) m.setWeightTransform(l, t);
        }
        Splits s = data.load();
        ImageSet set = s.get(split);
        if (images > 0) set = set.balancedSample(images, data.splitSeed);
        if (ps.contains(Precision.INT8)) m.setCalibration(s.train(), calibrationImages);
        if (agreement > 0) return agreement(m, set, s.train(), ps, given);
        Precision prec = ps.get(0);
        long t0 = System.nanoTime();
        Model.Evaluation e = m.evaluate(set, batch, prec);
        double sec = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "%s %s %s: top-1 %.2f%% (%d images, loss %.4f, %.1f s)%n",
                m.spec().id() + (p == null ? "" : " " + p), split, prec.id(), 100 * e.accuracy(), e.images(), e.loss(), sec);
        return 0;
    }

    private int evalDl4j() {
        Dl4jNetwork d = ImportCommand.load(dl4j, "32x32x3");
        CompressionPlan p = plan.weightsOnly().plan(d.spec());
        if (p != null) d = d.compressed(p);
        ImageSet set = data.load().get(split);
        long t0 = System.nanoTime();
        double acc = d.accuracy(set, batch);
        System.out.printf(Locale.ROOT, "%s%s %s (DL4J evaluate): top-1 %.2f%% (%d images, %.1f s)%n", d.spec().id(),
                p == null ? "" : " " + p, split, 100 * acc, set.size(), (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    /** Genome keys, one per line (blank lines and # comments skipped); ';' between bits as in evaluations.csv. */
    static List<Genome> readPlans(java.nio.file.Path file) {
        List<Genome> out = new java.util.ArrayList<>();
        try {
            int no = 0;
            for (String line : java.nio.file.Files.readAllLines(file)) {
                no++;
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#")) continue;
                try {
                    out.add(Genome.parse(t.replace(';', ',')));
                } catch (RuntimeException e) {
                    throw new UserError(file + " line " + no + ": '" + t + "' is not a plan r|b0,b1,... (" + e.getMessage() + ")");
                }
            }
        } catch (java.io.IOException e) {
            throw new UserError("cannot read --plans " + file + ": " + e.getMessage());
        }
        if (out.isEmpty()) throw new UserError("--plans " + file + " holds no plan");
        return out;
    }

    private int agreement(Model m, ImageSet set, ImageSet train, List<Precision> ps, List<Genome> given) {
        List<Genome> plans = given != null ? given : PrecisionAgreement.randomPlans(m.spec().size(), agreement, planSeed);
        for (Genome g : plans)
            if (g.layers() != m.spec().size())
                throw new UserError("plan " + g.key() + " has " + g.layers() + " layers, but " + m.spec().id() + " has "
                        + m.spec().size() + ": give one bit-width per compressible layer");
        List<Precision> others = ps.stream().filter(x -> x != Precision.FP32).toList();
        System.out.printf(Locale.ROOT, "%s on %d %s images, %d %s%n", m.spec().id(), set.size(), split, plans.size(),
                given != null ? "plans from " + plansFile : "random plans (seed " + planSeed + ")");
        StringBuilder h = new StringBuilder(String.format(Locale.ROOT, "%-4s %-5s %-44s %8s", "plan", "r", "bits", "fp32 %"));
        for (Precision x : others) h.append(String.format(Locale.ROOT, " %8s %8s", x.id() + " %", "d pts"));
        System.out.println(h);
        int[] k = {0};
        List<PrecisionAgreement.Row> rows = PrecisionAgreement.measure(m, set, train, calibrationImages, plans, others, batch, r -> {
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-4d %-5.2f %-44s %8.2f", ++k[0], r.plan().remaining(),
                    Arrays.toString(r.plan().bits()), 100 * r.accuracy().get(Precision.FP32)));
            for (Precision x : others) b.append(String.format(Locale.ROOT, " %8.2f %+8.2f", 100 * r.accuracy().get(x), r.pointsFromFp32(x)));
            System.out.println(b);
        });
        for (Precision x : List.of(Precision.FP32, Precision.BF16, Precision.INT8)) {
            if (x != Precision.FP32 && !others.contains(x)) continue;
            double sec = rows.stream().mapToDouble(r -> r.seconds().get(x)).sum();
            String line = String.format(Locale.ROOT, "%s: %.0f img/s over all plans", x.id(), rows.size() * (double) set.size() / sec);
            if (x != Precision.FP32) {
                double all = rows.stream().mapToDouble(r -> Math.abs(r.pointsFromFp32(x))).max().orElse(0);
                double ge4 = rows.stream().filter(r -> r.allBitsAtLeast(4)).mapToDouble(r -> Math.abs(r.pointsFromFp32(x))).max().orElse(Double.NaN);
                long n4 = rows.stream().filter(r -> r.allBitsAtLeast(4)).count();
                line += String.format(Locale.ROOT, "; max |d| %.2f pts over all plans, %.2f pts over the %d plans with all bits >= 4", all, ge4, n4);
            }
            System.out.println(line);
        }
        return 0;
    }
}
