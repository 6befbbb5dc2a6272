package org.emomc4j.nn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.emomc4j.util.Csv;
import org.emomc4j.util.UserError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a finished or running training run directory ({@code ./emomc train --out DIR}) records, read
 * back without its checkpoints: the per-epoch log, the run it was warm-started from ({@value
 * Trainer#INIT_JSON}), the SWA average's validation accuracy ({@value Trainer#SWA_JSON}) and, where
 * one was measured, the test accuracy of the run's network. A baseline made in several runs (warm
 * restarts, SWA, CutMix) is read as a list of these and drawn as one accuracy-versus-epochs chart
 * ({@code ./emomc training-runs}), each run starting where the run it came from ended.
 *
 * @param label          the name the chart and table give it (the directory's name unless given)
 * @param dir            the run directory, absolute and normalized
 * @param epochs         the log's rows, in order
 * @param settings       the run's settings from {@code run-key.json} (empty when it has none)
 * @param parent         the directory of the checkpoint the run started from, as {@value Trainer#INIT_JSON} names it
 * @param swaValAccuracy the SWA network's validation accuracy (a fraction), when the run averaged
 * @param testAccuracy   the test accuracy (a fraction) of the run's network, when measured ({@link #testAccuracyOf})
 */
public record TrainingRun(String label, Path dir, List<Trainer.EpochResult> epochs, Map<String, String> settings,
                          Optional<Path> parent, OptionalDouble swaValAccuracy, OptionalDouble testAccuracy) {

    /** The file {@code ./emomc eval --split test} output is kept in beside a run (the fallback scripts write it). */
    public static final String EVAL_TEST = "eval-test.txt";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TOP1 = Pattern.compile("top-1 ([0-9]+(?:\\.[0-9]+)?)%");

    public TrainingRun {
        epochs = List.copyOf(epochs);
        settings = Map.copyOf(settings);
    }

    /** Reads {@code dir} under its own name. */
    public static TrainingRun read(Path dir) throws IOException {
        return read(dir.toAbsolutePath().normalize().getFileName().toString(), dir);
    }

    /**
     * Reads a run directory.
     *
     * @throws UserError when {@code dir} has no training log (not a {@code train --out} directory)
     */
    public static TrainingRun read(String label, Path dir) throws IOException {
        Path d = dir.toAbsolutePath().normalize();
        Path log = d.resolve(Trainer.LOG);
        if (!Files.isRegularFile(log))
            throw new UserError(dir + " holds no " + Trainer.LOG + ": give the directory a `./emomc train --out DIR` wrote");
        List<Trainer.EpochResult> rows = readLog(log);
        Map<String, String> settings = new HashMap<>();
        Path key = d.resolve(org.emomc4j.util.RunDirectory.KEY);
        if (Files.isRegularFile(key))
            JSON.readTree(key.toFile()).path("settings").fields().forEachRemaining(e -> settings.put(e.getKey(), e.getValue().asText()));
        Optional<Path> parent = Optional.empty();
        Path init = d.resolve(Trainer.INIT_JSON);
        if (Files.isRegularFile(init)) {
            String ck = JSON.readTree(init.toFile()).path("checkpoint").asText("");
            if (!ck.isEmpty()) parent = Optional.ofNullable(Path.of(ck).toAbsolutePath().normalize().getParent());
        }
        OptionalDouble swa = OptionalDouble.empty();
        Path swaJson = d.resolve(Trainer.SWA_JSON);
        if (Files.isRegularFile(swaJson)) {
            JsonNode v = JSON.readTree(swaJson.toFile()).path("val_accuracy");
            if (v.isNumber()) swa = OptionalDouble.of(v.asDouble());
        }
        return new TrainingRun(label, d, rows, settings, parent, swa, testAccuracyOf(d));
    }

    /** A training log's rows, by its header's column names. */
    static List<Trainer.EpochResult> readLog(Path log) throws IOException {
        List<String[]> table = Csv.parse(Files.readString(log));
        if (table.isEmpty()) throw new UserError(log + " is empty: not a training log");
        List<String> head = List.of(table.get(0));
        String[] need = Trainer.LOG_HEADER.split(",");
        int[] col = new int[need.length];
        for (int i = 0; i < need.length; i++) {
            col[i] = head.indexOf(need[i]);
            if (col[i] < 0) throw new UserError(log + " has no column " + need[i] + ": not a training log (" + Trainer.LOG_HEADER + ")");
        }
        List<Trainer.EpochResult> out = new ArrayList<>();
        for (int r = 1; r < table.size(); r++) {
            String[] row = table.get(r);
            try {
                out.add(new Trainer.EpochResult(Integer.parseInt(row[col[0]]), d(row[col[1]]), d(row[col[2]]), d(row[col[3]]),
                        d(row[col[4]]), d(row[col[5]]), d(row[col[6]]), d(row[col[7]])));
            } catch (RuntimeException e) {
                throw new UserError(log + " line " + (r + 1) + " is not a training-log row: " + String.join(",", row));
            }
        }
        return out;
    }

    private static double d(String s) { return Double.parseDouble(s); }

    /**
     * The test accuracy recorded for a run's network: the {@value #EVAL_TEST} beside it, else the
     * {@code report/baseline-test.json} of the reproduction whose baseline run it is, when the SHA-256
     * there is that of the run's network ({@value Trainer#SWA}, else {@value Trainer#CHECKPOINT}): a
     * number is never attributed to a network it was not measured on.
     */
    public static OptionalDouble testAccuracyOf(Path runDir) throws IOException {
        Path eval = runDir.resolve(EVAL_TEST);
        if (Files.isRegularFile(eval)) {
            Matcher m = TOP1.matcher(Files.readString(eval));
            if (m.find()) return OptionalDouble.of(Double.parseDouble(m.group(1)) / 100);
        }
        Path rec = runDir.getParent() == null ? null : runDir.getParent().resolve("report").resolve("baseline-test.json");
        if (rec == null || !Files.isRegularFile(rec)) return OptionalDouble.empty();
        JsonNode j = JSON.readTree(rec.toFile());
        Path net = runDir.resolve(Files.isRegularFile(runDir.resolve(Trainer.SWA)) ? Trainer.SWA : Trainer.CHECKPOINT);
        if (!Files.isRegularFile(net) || !j.path("accuracy").isNumber()
                || !org.emomc4j.util.Hashes.sha256(net).equals(j.path("checkpoint_sha256").asText())) return OptionalDouble.empty();
        return OptionalDouble.of(j.path("accuracy").asDouble());
    }

    /** The last epoch's validation accuracy (NaN for an empty log). */
    public double lastValAccuracy() { return epochs.isEmpty() ? Double.NaN : epochs.get(epochs.size() - 1).valAccuracy(); }

    /** The recipe in a few words, from the run's settings: "100 epochs one-cycle, peak lr 0.05, CutMix 0.5". */
    public String recipe() {
        String schedule = settings.getOrDefault("schedule", "").toLowerCase(Locale.ROOT);
        boolean swa = settings.containsKey("swa_epochs");
        StringBuilder s = new StringBuilder();
        String planned = settings.get("epochs");   // a run still going: "11 of 100 epochs" (SWA runs that may be extended record none)
        s.append(epochs.size()).append(planned != null && !planned.equals(Integer.toString(epochs.size())) ? " of " + planned : "").append(" epochs");
        if (swa) s.append(" SWA at lr ").append(settings.getOrDefault("lr", "?"));
        else if (!schedule.isEmpty()) s.append(' ').append(schedule.equals("onecycle") ? "one-cycle, peak" : schedule + ",")
                .append(" lr ").append(settings.getOrDefault("lr", "?"));
        String cutmix = settings.get("cutmix");
        if (cutmix != null) s.append(", CutMix ").append(cutmix);
        return s.toString();
    }

    /**
     * Where each run starts on an axis of epochs counted on across runs: after the end of the run
     * it was warm-started from when that run is in the list (an SWA extension re-covers its
     * original's epochs, so both start at the same place), else at 0.
     *
     * @return epochs before each run's first, in the list's order
     */
    public static int[] startEpochs(List<TrainingRun> runs) {
        int[] start = new int[runs.size()];
        boolean[] done = new boolean[runs.size()];
        for (int i = 0; i < runs.size(); i++) start[i] = resolve(runs, i, start, done, new boolean[runs.size()]);
        return start;
    }

    private static int resolve(List<TrainingRun> runs, int i, int[] start, boolean[] done, boolean[] visiting) {
        if (done[i]) return start[i];
        if (visiting[i]) throw new UserError("the runs' init.json files form a cycle through " + runs.get(i).dir());
        visiting[i] = true;
        int s = 0;
        Optional<Path> p = runs.get(i).parent();
        for (int j = 0; j < runs.size() && p.isPresent(); j++)
            if (j != i && runs.get(j).dir().equals(p.get())) {
                s = resolve(runs, j, start, done, visiting) + runs.get(j).epochs().size();
                break;
            }
        start[i] = s;
        done[i] = true;
        return s;
    }
}
