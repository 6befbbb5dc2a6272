package org.emomc4j.cli;

import org.emomc4j.compress.CompressionPlan;
import org.emomc4j.data.Splits;
import org.emomc4j.nn.Model;
import org.emomc4j.search.Stage3;
import org.emomc4j.util.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code emomc finetune}: stage 3, beyond the paper: quantization-aware fine-tuning of one plan a user picked. */
@Command(name = "finetune", mixinStandardHelpOptions = true,
        description = {"Stage 3 (beyond the paper): fine-tune one plan with quantization-aware training, its masks and bits fixed.",
                "The plan's pruned weights (magnitude rule at r, per layer) stay exactly zero; the forward pass quantizes every",
                "layer to its bit-width (straight-through gradients); the saved network holds the quantized weights.",
                "Give the stage-1 checkpoint of the plan's r (e.g. runs/quick/stage1/r0.45.ckpt) and the plan's bits.",
                "Writes <out>/finetuned.ckpt and <out>/stage3.csv (accuracy before and after)."})
public final class FinetuneCommand implements Callable<Integer> {

    @Option(names = "--checkpoint", required = true, paramLabel = "C", description = "The network the plan applies to (its stage-1 checkpoint).")
    Path checkpoint;

    @Mixin
    PlanOptions plan = new PlanOptions();

    @Option(names = "--epochs", defaultValue = "2", description = "QAT epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--out", required = true, paramLabel = "D", description = "Run directory of this fine-tuning.")
    Path out;

    @Option(names = "--resume", description = "Continue the fine-tuning in --out from its last finished epoch.")
    boolean resume;

    @Option(names = "--lr", defaultValue = "0.01", description = "Learning rate, decaying to 0 (cosine) over the epochs (default: ${DEFAULT-VALUE}).")
    double lr;

    @Mixin
    FineTuneOptions tune = new FineTuneOptions();

    @Mixin
    DataCommand.DataOptions data = new DataCommand.DataOptions();

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(checkpoint))
            throw new UserError("--checkpoint " + checkpoint + " does not exist: give the stage-1 checkpoint of the plan's r");
        if (epochs < 1) throw new UserError("--epochs must be >= 1, got " + epochs);
        CompressionPlan p = plan.weightsOnly().require(Model.load(checkpoint).spec());
        Splits s = data.load();
        Stage3.Result r = Stage3.run(checkpoint, p, tune.config(epochs, lr), tune.train(s), tune.val(s), s.test(), out, resume,
                System.out::println);
        System.out.printf(Locale.ROOT, "%nplan %s, %d QAT epochs%n  val  %.2f %% -> %.2f %% (%+.2f points)%n  test %.2f %% -> %.2f %% (%+.2f points)%n",
                Stage3.label(p), r.epochs(), 100 * r.valBefore(), 100 * r.valAfter(), 100 * r.valRecovered(), 100 * r.testBefore(),
                100 * r.testAfter(), 100 * r.testRecovered());
        System.out.println("network: " + r.checkpoint().toAbsolutePath());
        return 0;
    }
}
