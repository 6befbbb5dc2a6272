package org.emomc4j.cli;

import org.emomc4j.data.ImageSet;
import org.emomc4j.data.Splits;
import org.emomc4j.nn.TrainConfig;
import org.emomc4j.search.Stage1;
import picocli.CommandLine.Option;

/**
 * The fine-tuning options {@code prune} (stage 1) and {@code finetune} (stage 3) share: batch
 * size, class-balanced slices of the training and validation splits, the arithmetic and the seed; the learning
 * rate stays with each command (their defaults differ).
 */
final class FineTuneOptions {

    @Option(names = "--batch", defaultValue = "128", description = "Fine-tuning batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--train-images", defaultValue = "0", description = "Use a class-balanced slice of the training split (0 = all).")
    int trainImages;

    @Option(names = "--val-images", defaultValue = "0", description = "Validation images the accuracy is measured on (0 = all).")
    int valImages;

    @Option(names = "--precision", defaultValue = "fp32",
            description = "Fine-tuning arithmetic, fp32 or bf16 (see train --precision; default: ${DEFAULT-VALUE}).")
    String precision;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of data order and slices (default: ${DEFAULT-VALUE}).")
    long seed;

    ImageSet train(Splits s) { return trainImages > 0 ? s.train().balancedSample(trainImages, seed) : s.train(); }

    ImageSet val(Splits s) { return valImages > 0 ? s.val().balancedSample(valImages, seed) : s.val(); }

    /** Stage 1's fine-tuning (cosine from {@code lr}) over {@code epochs} with these options. */
    TrainConfig config(int epochs, double lr) {
        return Stage1.fineTuning(epochs, batch, lr, seed).withPrecision(org.emomc4j.nn.Precision.parse(precision));
    }
}
