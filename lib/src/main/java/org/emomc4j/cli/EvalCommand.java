package org.emomc4j.cli;

import org.emomc4j.util.UserError;

import org.emomc4j.data.ImageSet;
import org.emomc4j.nn.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code emomc eval}: top-1 accuracy of a checkpoint on the validation or test split. */
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

    @Override
    public Integer call() {
        if (!split.equals("val") && !split.equals("test"))
            throw new UserError("--split must be val or test, got '" + split + "'");
        Model m = Model.load(checkpoint);
        ImageSet set = data.load().get(split);
        long t0 = System.nanoTime();
        Model.Evaluation e = m.evaluate(set, batch);
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "%s %s: top-1 %.2f%% (%d images, loss %.4f, %.1f s)%n",
                m.spec().id(), split, 100 * e.accuracy(), e.images(), e.loss(), s);
        return 0;
    }
}
