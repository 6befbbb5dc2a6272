package org.emomc4j.cli;

import org.emomc4j.util.UserError;
import org.emomc4j.compress.CompressionPlan;
import org.emomc4j.compress.ReferenceCompression;
import org.emomc4j.data.ImageSet;
import org.emomc4j.dl4j.Dl4jNetwork;
import org.emomc4j.nn.Model;
import org.emomc4j.nn.WeightTransform;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code emomc eval}: top-1 accuracy of a checkpoint on the validation or test split. */
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

    @Override
    public Integer call() {
        if (!split.equals("val") && !split.equals("test"))
            throw new UserError("--split must be val or test, got '" + split + "'");
        if ((checkpoint == null) == (dl4j == null))
            throw new UserError("give exactly one of --checkpoint C or --dl4j ZIP");
        if (dl4j != null) return evalDl4j();
        Model m = Model.load(checkpoint);
        CompressionPlan p = plan.weightsOnly().plan(m.spec());
        if (p != null) {
            WeightTransform t = ReferenceCompression.transform(p);
            for (int l = 0; l < m.spec().size(); l++) m.setWeightTransform(l, t);
        }
        ImageSet set = data.load().get(split);
        long t0 = System.nanoTime();
        Model.Evaluation e = m.evaluate(set, batch);
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "%s %s: top-1 %.2f%% (%d images, loss %.4f, %.1f s)%n",
                m.spec().id() + (p == null ? "" : " " + p), split, 100 * e.accuracy(), e.images(), e.loss(), s);
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
}
