package org.emomc4j.cli;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.emomc4j.dl4j.Dl4jNetwork;
import org.emomc4j.nn.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code emomc import}: a DL4J model zip into one of our checkpoints, when our engine runs its architecture. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Read a DL4J model zip into an emomc4j checkpoint (VGG architectures our engine runs);",
                "any other architecture is refused with the reason (price and search it with --dl4j instead)."})
public final class ImportCommand implements Callable<Integer> {

    @Option(names = "--dl4j", required = true, paramLabel = "ZIP", description = "DL4J ModelSerializer zip.")
    Path dl4j;

    @Option(names = "--input", defaultValue = "32x32x3", paramLabel = "HxWxC", description = "Input images (default: ${DEFAULT-VALUE}, CIFAR-10).")
    String input;

    @Option(names = "--out", required = true, paramLabel = "C", description = "Checkpoint to write.")
    Path out;

    @Override
    public Integer call() {
        Dl4jNetwork net = load(dl4j, input);
        net.architecture().engineRefusal().ifPresent(r -> {
            throw new org.emomc4j.util.UserError("our engine does not run " + dl4j + ": " + r + "; price, search and export it with "
                    + "'./emomc cost|search|export --dl4j " + dl4j + "' instead");
        });
        Model m = net.toModel();
        m.save(out);
        System.out.println(dl4j + " -> " + out.toAbsolutePath() + " (" + m.spec().id() + ", " + m.spec().size()
                + " compressible layers, " + m.spec().weightCount() + " weights)");
        return 0;
    }

    /** Loads a DL4J zip for images given as HxWxC. */
    static Dl4jNetwork load(Path zip, String input) {
        String[] p = input.toLowerCase(java.util.Locale.ROOT).split("x");
        long[] v = new long[3];
        try {
            if (p.length != 3) throw new NumberFormatException();
            for (int i = 0; i < 3; i++) v[i] = Long.parseLong(p[i].trim());
        } catch (NumberFormatException e) {
            throw new org.emomc4j.util.UserError("--input must be HxWxC such as 32x32x3, got '" + input + "'");
        }
        String name = zip.getFileName().toString().replaceFirst("\\.zip$", "");
        return Dl4jNetwork.load(zip, InputType.convolutional(v[0], v[1], v[2]), name);
    }
}
