package org.emomc4j.cli;

import org.emomc4j.compress.coding.Coding;
import org.emomc4j.data.ImageSet;
import org.emomc4j.dl4j.Dl4jNetwork;
import org.emomc4j.dl4j.ImportedAccuracy;
import org.emomc4j.data.Splits;
import org.emomc4j.hw.Dataflow;
import org.emomc4j.nn.Model;
import org.emomc4j.nn.NetworkSpec;
import org.emomc4j.search.AccuracyOracle;
import org.emomc4j.search.CheckpointAccuracy;
import org.emomc4j.search.FineTuneAccuracy;
import org.emomc4j.search.MemoAccuracy;
import org.emomc4j.search.Objective;
import org.emomc4j.search.ReferenceCosts;
import org.emomc4j.search.RemainingGrid;
import org.emomc4j.search.Reproduce;
import org.emomc4j.search.SearchConfig;
import org.emomc4j.search.SearchRun;
import org.emomc4j.search.Stage1;
import org.emomc4j.search.Summary;
import org.emomc4j.search.SearchAlgorithms;
import org.emomc4j.search.Stage2;
import org.emomc4j.util.Hashes;
import org.emomc4j.util.UserError;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code emomc search}: stage 2, the evolutionary search over per-layer bit-widths and r. */
@Command(name = "search", mixinStandardHelpOptions = true,
        description = {"Stage 2: NSGA-II (or SPEA2) over genomes [r, q0..q13] on the stage-1 checkpoints.",
                "Writes evaluations.csv, front.csv, progress.csv and state.json after every generation; --resume continues."})
public final class SearchCommand implements Callable<Integer> {

    @Option(names = "--stage1", paramLabel = "DIR", description = "Stage-1 directory (./emomc prune --out DIR): the two-stage search.")
    Path stage1;

    @Option(names = "--joint", paramLabel = "BASE", description = {"One-stage ablation instead of --stage1: every candidate is pruned and",
            "quantized from this base checkpoint and fine-tuned briefly (--finetune-images, --finetune-epochs)."})
    Path joint;

    @Option(names = "--dl4j", paramLabel = "ZIP", description = {"Stage 2 on a DL4J model zip instead of --stage1: every r prunes the same",
            "trained weights (no fine-tuning); scored by our engine when it runs the architecture, else by DL4J."})
    Path dl4j;

    @Option(names = "--input", defaultValue = "32x32x3", paramLabel = "HxWxC", description = "With --dl4j: input images (default: ${DEFAULT-VALUE}).")
    String input;

    @Option(names = "--grid", defaultValue = "0.20:0.80:0.01", description = "With --joint or --dl4j: the grid r is snapped to (default: ${DEFAULT-VALUE}).")
    String grid;

    @Option(names = "--finetune-images", defaultValue = "2000", description = "With --joint: training images per candidate's fine-tuning (default: ${DEFAULT-VALUE}).")
    int finetuneImages;

    @Option(names = "--finetune-epochs", defaultValue = "1", description = "With --joint: epochs of that fine-tuning (default: ${DEFAULT-VALUE}).")
    int finetuneEpochs;

    @Option(names = "--finetune-lr", defaultValue = "0.005", description = "With --joint: fine-tuning learning rate, decaying to 0 (cosine) (default: ${DEFAULT-VALUE}).")
    double finetuneLr;

    @Option(names = "--objective", defaultValue = "energy", description = "energy, size or both (default: ${DEFAULT-VALUE}).")
    String objective;

    @Option(names = "--dataflow", defaultValue = "XY", description = "XY, ICOC, FXFY or XFX (default: ${DEFAULT-VALUE}).")
    String dataflow;

    @Option(names = "--coding", defaultValue = "dense", description = "dense, csr or coo (default: ${DEFAULT-VALUE}).")
    String coding;

    @Option(names = "--algorithm", defaultValue = "NSGAII", description = {"NSGAII (the reference) or SPEA2 (default: ${DEFAULT-VALUE}).",
            "Others are refused: they do not keep NSGA-II's budget (population + generations x offspring) or cannot resume exactly."})
    String algorithm;

    @Option(names = "--pop", defaultValue = "40") int pop;
    @Option(names = "--offspring", defaultValue = "20") int offspring;
    @Option(names = "--generations", defaultValue = "120") int generations;
    @Option(names = "--seed", defaultValue = "1") long seed;

    @Option(names = "--bits", defaultValue = "2:12", converter = BitsConverter.class,
            description = "Bit-width range MIN:MAX, 2 <= MIN <= MAX <= 32 (default: ${DEFAULT-VALUE}, the paper's).")
    Bits bits;

    @Option(names = "--seed-corner", description = {"Seed the initial population with the least-compressed corner (largest r, 8 bits",
            "in every layer), to widen the fronts' high-accuracy end (ours; the profiles do it; the reference does not)."})
    boolean seedCorner;

    @Option(names = "--size-limit", paramLabel = "KiB", description = "Energy mode: size <= limit (the reference's constraint).")
    Double sizeLimit;

    @Option(names = "--energy-limit", paramLabel = "mJ", description = "Size mode: energy <= limit.")
    Double energyLimit;

    @Option(names = "--eval-split", defaultValue = "val", description = "Split candidates are scored on: val (default) or test (the reference).")
    String evalSplit;

    @Option(names = "--eval-images", defaultValue = "0", description = "Score on a class-balanced slice of that many images (0 = all).")
    int evalImages;

    @Option(names = "--test-images", defaultValue = "0", description = "Test images for the final re-scoring (0 = all 10,000).")
    int testImages;

    @Option(names = "--out", required = true, paramLabel = "RUN", description = "Run directory.")
    Path out;

    @Option(names = "--precision", paramLabel = "P", defaultValue = "fp32",
            description = "Arithmetic candidates are scored in (two-stage search): fp32, bf16 or int8 (default: ${DEFAULT-VALUE}). "
                    + "The front's test re-scoring stays fp32.")
    String precision;

    @Option(names = "--racing", paramLabel = "N[:ALPHA]|off", defaultValue = "off",
            description = {"Score offspring on the first N scoring images first, in full only if they could survive NSGA-II's",
                    "truncation (README: Racing; alpha default 0.001; NSGA-II only). Default: ${DEFAULT-VALUE}."})
    String racing;

    @Option(names = "--resume", description = "Continue the run in --out.")
    boolean resume;

    @Mixin
    DataCommand.DataOptions data = new DataCommand.DataOptions();

    @Override
    public Integer call() throws Exception {
        Objective obj = Objective.parse(objective);
        Dataflow df = Dataflow.parse(dataflow);
        Coding cd = Coding.parse(coding, Coding.PAPER);
        int minBits = bits.min(), maxBits = bits.max();
        SearchAlgorithms.canonical(algorithm); // an algorithm off NSGA-II's budget is refused before anything is read
        if ((stage1 != null ? 1 : 0) + (joint != null ? 1 : 0) + (dl4j != null ? 1 : 0) != 1)
            throw new UserError("give exactly one of --stage1 DIR (two-stage search), --joint BASE (one-stage ablation) or --dl4j ZIP");
        if (stage1 != null && !Files.isDirectory(stage1))
            throw new UserError("stage-1 directory " + stage1 + " does not exist: run './emomc prune --out " + stage1 + "' first");
        if (joint != null && !Files.isRegularFile(joint))
            throw new UserError("base checkpoint " + joint + " does not exist");
        RemainingGrid rGrid = stage1 != null ? Stage1.available(stage1) : RemainingGrid.parse(this.grid);
        if (!evalSplit.equals("val") && !evalSplit.equals("test"))
            throw new UserError("--eval-split must be val or test, got " + evalSplit);
        Dl4jNetwork imported = dl4j == null ? null : ImportCommand.load(dl4j, input);
        NetworkSpec spec = imported != null ? imported.spec() : Model.load(stage1 != null ? Stage1.checkpoint(stage1, rGrid.max()) : joint).spec();
        Map<String, Object> extra = new LinkedHashMap<>();
        if (stage1 != null) extra.put("stage1", stage1.toAbsolutePath().toString());
        else if (imported != null) extra.put("dl4j", dl4j.toAbsolutePath().toString());
        else {
            extra.put("joint_base", joint.toAbsolutePath().toString());
            extra.put("finetune_images", finetuneImages);
            extra.put("finetune_epochs", finetuneEpochs);
            extra.put("finetune_lr", finetuneLr);
        }
        org.emomc4j.nn.Precision prec = org.emomc4j.nn.Precision.parse(precision);
        if (prec != org.emomc4j.nn.Precision.FP32 && stage1 == null)
            throw new UserError("--precision " + prec.id() + " applies to the two-stage search (--stage1); the one-stage ablation and --dl4j score in fp32");
        extra.put("precision", prec.id());
        extra.put("eval_split", evalSplit);
        extra.put("eval_images", evalImages);
        extra.put("model", spec.id());
        // Built (and checked) before any data is loaded: a bad value fails at once with exit 2.
        SearchConfig cfg = SearchConfig.builder(obj).dataflow(df.name()).coding(cd.cliName()).algorithm(algorithm)
                .budget(pop, offspring, generations).seed(seed).sizeLimit(sizeLimit).energyLimit(energyLimit)
                .bits(minBits, maxBits).seedCorner(seedCorner).extra(extra).racing(ReproduceCommand.parseRacing(racing)).build();
        Splits s = data.load();
        ImageSet evalSet = s.get(evalSplit);
        if (evalImages > 0) evalSet = evalSet.balancedSample(evalImages, data.splitSeed);
        ImageSet test = testImages > 0 ? s.test().balancedSample(testImages, data.splitSeed) : s.test();
        ImageSet finetune = joint == null ? null : s.train().balancedSample(finetuneImages, seed);
        extra.put("eval_images_sha256", evalSet.fingerprint());
        if (stage1 != null) extra.put("stage1_key", Reproduce.stage1Identity(stage1));
        else if (imported != null) extra.put("dl4j_sha256", Hashes.sha256(dl4j));
        else {
            extra.put("joint_base_sha256", Hashes.sha256(joint));
            extra.put("finetune_images_sha256", finetune.fingerprint());
        }
        cfg = cfg.withExtra(extra);
        java.util.function.Function<ImageSet, AccuracyOracle> oracleOn = images -> imported != null
                ? ImportedAccuracy.of(imported, images, 256)
                : stage1 != null ? new CheckpointAccuracy(stage1, images, 256, rGrid.values().length)
                : new FineTuneAccuracy(joint, finetune, images, Stage1.fineTuning(finetuneEpochs, 128, finetuneLr, seed), 256);
        AccuracyOracle oracle = stage1 != null && imported == null && prec != org.emomc4j.nn.Precision.FP32
                ? new CheckpointAccuracy(stage1, evalSet, 256, rGrid.values().length, prec, s.train(), org.emomc4j.nn.Precision.CALIBRATION_IMAGES)
                : oracleOn.apply(evalSet);
        if (oracle instanceof ImportedAccuracy ia)
            System.out.println(spec.id() + ": candidates scored by " + (ia.backend() == ImportedAccuracy.Backend.ENGINE
                    ? "our engine" : "DL4J (" + imported.architecture().engineRefusal().orElse("") + ")"));
        Path basePath = stage1 != null ? Stage1.baseOf(stage1) : joint;
        ImageSet testSet = test;
        // Two-stage: the stage-1 network of each r re-scored on test; one-stage: the same fine-tuning, measured on test.
        Stage2.Outcome o = Stage2.run(new Stage2.Plan(out.getFileName().toString(), cfg, rGrid, new ReferenceCosts(spec, df, cd),
                new MemoAccuracy(oracle), new MemoAccuracy(oracleOn.apply(test)),
                () -> imported != null ? ImportedAccuracy.of(imported, testSet, 256).uncompressed()
                        : basePath != null && Files.exists(basePath) ? Model.load(basePath).accuracy(testSet, 256) : Double.NaN, out),
                resume, System.out::println);
        List<Summary.Member> front = o.front();
        double baseAcc = o.baseline().testAccuracy();
        SearchRun.Result r = o.result();
        // The paired test loss against the uncompressed network with its 95 % interval, when per-image results were kept.
        java.util.Map<String, org.emomc4j.metrics.Correctness> correct = Summary.readTestCorrectness(out);
        org.emomc4j.metrics.Correctness base = correct.get(org.emomc4j.metrics.CorrectnessFile.UNCOMPRESSED);
        System.out.printf(Locale.ROOT, "%n%-8s %-40s %9s %9s %12s %12s  %s%n", "r", "bits", "val %", "test %", "energy mJ", "size KiB",
                "test loss % [95 % interval]");
        for (Summary.Member m : front) {
            org.emomc4j.metrics.Correctness c = correct.get(SearchRun.csvKey(m.genome()));
            String loss = base == null || c == null ? "-" : lossText(org.emomc4j.metrics.PairedLoss.of(base, c));
            System.out.printf(Locale.ROOT, "%-8.2f %-40s %9.2f %9.2f %12.4f %12.1f  %s%n", m.genome().remaining(),
                    java.util.Arrays.toString(m.genome().bits()), 100 * m.valAccuracy(), 100 * m.testAccuracy(),
                    m.energyMilliJoules(), m.sizeKiB(), loss);
        }
        System.out.printf(Locale.ROOT, "baseline test accuracy %.2f %%; %s; summary in %s%n", 100 * baseAcc,
                "wall time " + Reproduce.eta(r.seconds()), out.resolve(Summary.FILE).toAbsolutePath());
        return 0;
    }

    private static String lossText(org.emomc4j.metrics.PairedLoss l) {
        return String.format(Locale.ROOT, "%.2f [%.2f, %.2f]", 100 * l.loss(), 100 * l.lower(), 100 * l.upper());
    }

    /** A bit-width range. */
    record Bits(int min, int max) { }

    /** {@code MIN:MAX}, checked while the command line is parsed (a bad range exits 2 before anything runs). */
    static final class BitsConverter implements CommandLine.ITypeConverter<Bits> {
        @Override
        public Bits convert(String value) {
            try {
                int[] b = SearchConfig.parseBits(value);
                return new Bits(b[0], b[1]);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

}
