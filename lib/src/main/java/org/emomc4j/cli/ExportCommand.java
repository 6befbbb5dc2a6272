package org.emomc4j.cli;

import org.emomc4j.compress.CompressionPlan;
import org.emomc4j.dl4j.Dl4jNetwork;
import org.emomc4j.nn.LayerSpec;
import org.emomc4j.nn.Model;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code emomc export}: a network, compressed by a plan, as a DL4J ModelSerializer zip. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Write a network as a DL4J model zip (ModelSerializer); with --remaining R --bits ... its weights are",
                "the plan's: pruned (exactly zero) and quantized (at most 2^b values per layer), as the search applies it."})
public final class ExportCommand implements Callable<Integer> {

    @ArgGroup(multiplicity = "1")
    Dl4jSource source = new Dl4jSource();

    @Mixin
    PlanOptions plan = new PlanOptions();

    @Option(names = "--input", defaultValue = "32x32x3", paramLabel = "HxWxC",
            description = "With --dl4j: the input images (default: ${DEFAULT-VALUE}, CIFAR-10).")
    String input;

    @Option(names = "--format", defaultValue = "dl4j", description = "Output format: dl4j (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--out", required = true, paramLabel = "ZIP", description = "Output file, e.g. model.zip.")
    Path out;

    @Override
    public Integer call() {
        if (!format.equals("dl4j")) throw new org.emomc4j.util.UserError("--format must be dl4j, got '" + format + "'");
        Dl4jNetwork net = source.network(input);
        CompressionPlan p = plan.weightsOnly().plan(net.spec());
        Dl4jNetwork written = p == null ? net : net.compressed(p);
        written.save(out);
        System.out.printf(Locale.ROOT, "%s%s -> %s%n", net.spec().id(), p == null ? " (uncompressed)" : " " + p, out.toAbsolutePath());
        System.out.printf(Locale.ROOT, "%-10s %10s %10s %10s%n", "layer", "weights", "zeros", "values");
        for (int l = 0; l < net.spec().size(); l++) {
            LayerSpec s = net.spec().layer(l);
            float[] w = written.weights(l);
            int zeros = 0;
            Set<Float> distinct = new HashSet<>();
            for (float v : w) {
                if (v == 0f) zeros++;
                distinct.add(v);
            }
            System.out.printf(Locale.ROOT, "%-10s %10d %10d %10d%n", s.name(), w.length, zeros, distinct.size());
        }
        return 0;
    }

    /** Where a network comes from: one of our checkpoints or a DL4J zip. */
    static final class Dl4jSource {
        @Option(names = "--checkpoint", required = true, paramLabel = "C", description = "An emomc4j checkpoint.")
        Path checkpoint;

        @Option(names = "--dl4j", required = true, paramLabel = "ZIP", description = "A DL4J ModelSerializer zip (MultiLayerNetwork or ComputationGraph).")
        Path dl4j;

        Dl4jNetwork network(String input) {
            return checkpoint != null ? Dl4jNetwork.fromModel(Model.load(checkpoint)) : ImportCommand.load(dl4j, input);
        }
    }
}
