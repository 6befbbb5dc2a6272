package org.emomc4j.search;

import org.emomc4j.data.ImageSet;
import org.emomc4j.nn.Model;
import org.emomc4j.nn.TrainConfig;
import org.emomc4j.nn.Trainer;
import org.emomc4j.util.AtomicFiles;
import org.emomc4j.util.Csv;
import org.emomc4j.util.Hashes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The fine-tuning loop the stages beyond stage 1 share (the peer method, Fig. 3's two arms,
 * stage 3): epochs one at a time, each followed by an optional per-epoch CSV row and a
 * checkpoint of model and optimizer, so a killed run continues from its last finished epoch.
 * Rows are written before the checkpoint; on resume only the rows the checkpoint covers are kept,
 * so rows and checkpoint always agree (as in {@link Trainer#fit}).
 */
final class FineTuning {
    private FineTuning() { }

    /** Puts a fine-tuning's settings into a resume key's entries (its epoch count is the caller's to name). */
    static void putSettings(Map<String, Object> key, TrainConfig c) {
        key.put("lr", c.lr());
        key.put("batch", c.batchSize());
        key.put("momentum", c.momentum());
        key.put("weight_decay", c.weightDecay());
        key.put("schedule", c.schedule());
        key.put("seed", c.seed());
        // Only when not fp32, so the keys of fp32 runs started before precisions existed still match.
        if (c.precision() != org.emomc4j.nn.Precision.FP32) key.put("precision", c.precision());
    }

    /**
     * Puts what a fine-tuning run starts from into a resume key's entries: its settings, the
     * starting network's SHA-256 under {@code networkName} and the images (test only when given).
     */
    static void putRun(Map<String, Object> key, TrainConfig c, String networkName, Path network, ImageSet train, ImageSet val,
                       ImageSet test) {
        putSettings(key, c);
        key.put(networkName, Hashes.sha256(network));
        key.put("train_images", identity(train));
        key.put("val_images", identity(val));
        if (test != null) key.put("test_images", identity(test));
    }

    /** An image set's identity in a resume key: its size and SHA-256 ("none" for null). */
    static String identity(ImageSet s) {
        return s == null ? "none" : s.size() + " sha256 " + s.fingerprint();
    }

    /** Called around every epoch (1-based): set the epoch's pruning before, measure after. */
    interface Epochs {
        default void before(int epoch) { }

        /** The epoch's CSV row (null: no row). */
        default Object[] after(int epoch) { return null; }
    }

    /**
     * Fine-tunes {@code model} for {@code config.epochs()} epochs, resuming from {@code partial}.
     *
     * @param rows   per-epoch CSV (with {@code header}); null: none
     * @param header the CSV's header (ignored without rows)
     * @return the CSV rows of all finished epochs (this call's and earlier ones)
     */
    static List<String> run(Model model, TrainConfig config, ImageSet train, Path partial, Path rows, String[] header,
                            List<String> initialRows, Epochs epochs) throws IOException {
        Trainer trainer = new Trainer(model, config);
        List<String> kept = new ArrayList<>(initialRows);
        if (Files.exists(partial)) {
            trainer.restore(partial);
            if (rows != null && Files.exists(rows)) {
                kept.clear();
                List<String[]> old = Csv.readRows(rows);
                for (int i = 0; i < old.size() && i < initialRows.size() + trainer.completedEpochs(); i++)
                    kept.add(Csv.line((Object[]) old.get(i)));
            }
        }
        while (trainer.completedEpochs() < config.epochs()) {
            int e = trainer.completedEpochs() + 1;
            epochs.before(e);
            trainer.trainEpoch(train, null, null);
            Object[] row = epochs.after(e);
            if (rows != null && row != null) {
                kept.add(Csv.line(row));
                AtomicFiles.writeString(rows, Csv.line((Object[]) header) + "\n" + String.join("\n", kept) + "\n");
            }
            trainer.save(partial);
        }
        if (rows != null && !Files.exists(rows))
            AtomicFiles.writeString(rows, Csv.line((Object[]) header) + "\n" + String.join("\n", kept) + (kept.isEmpty() ? "" : "\n"));
        return kept;
    }
}
