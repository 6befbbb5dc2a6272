package org.emomc4j.search;

import org.emomc4j.data.ImageSet;
import org.emomc4j.nn.Model;
import org.emomc4j.nn.Precision;
import org.emomc4j.nn.WeightTransform;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * How far bf16 and int8 scoring of compression plans lands from fp32 scoring: random plans
 * (magnitude pruning at r, symmetric per-layer quantization, exactly as stage 2 scores a genome,
 * see {@link CheckpointAccuracy#transform}) applied to one trained network and evaluated in each
 * precision on the same images. The measurement behind the claim that a search may score its
 * candidates in bf16 or int8.
 */
public final class PrecisionAgreement {

    private PrecisionAgreement() { }

    /** One plan's accuracy per precision and the seconds each evaluation took. */
    public record Row(Genome plan, Map<Precision, Double> accuracy, Map<Precision, Double> seconds) {

        /** Accuracy difference to fp32 in percentage points. */
        public double pointsFromFp32(Precision p) {
            return 100 * (accuracy.get(p) - accuracy.get(Precision.FP32));
        }

        /** Whether every layer has at least {@code b} bits. */
        public boolean allBitsAtLeast(int b) {
            for (int x : plan.bits()) if (x < b) return false;
            return true;
        }
    }

    /**
     * Reproducible random plans: r uniform on 0.30..1.00 in steps of 0.05; bits uniform per layer
     * on 2..12 for even-numbered plans and 4..12 for odd-numbered ones (so half of them meet the
     * int8 criterion "all bits >= 4").
     */
    public static List<Genome> randomPlans(int layers, int count, long seed) {
        Random rnd = new Random(seed);
        List<Genome> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            double r = Math.round((0.30 + 0.05 * rnd.nextInt(15)) * 100) / 100.0;
            int lo = i % 2 == 0 ? 2 : 4;
            int[] bits = new int[layers];
            for (int l = 0; l < layers; l++) bits[l] = lo + rnd.nextInt(12 - lo + 1);
            out.add(new Genome(r, bits));
        }
        return out;
    }

    /**
     * Evaluates every plan in fp32 and in the other given precisions. The model's transforms are
     * replaced per plan and cleared at the end; its stored weights are not modified.
     *
     * @param calibration training images for int8's activation ranges (null when int8 is not asked)
     */
    public static List<Row> measure(Model m, ImageSet images, ImageSet calibration, int calibrationImages,
                                    List<Genome> plans, List<Precision> precisions, int batch, Consumer<Row> progress) {
        List<Precision> ps = new ArrayList<>();
        ps.add(Precision.FP32);
        for (Precision p : precisions) if (!ps.contains(p)) ps.add(p);
        if (ps.contains(Precision.INT8)) {
            if (calibration == null) throw new IllegalArgumentException("int8 needs calibration images (the training split)");
            m.setCalibration(calibration, calibrationImages);
        }
        List<Row> rows = new ArrayList<>();
        try {
            for (Genome g : plans) {
                if (g.layers() != m.spec().size())
                    throw new IllegalArgumentException("plan " + g.key() + " has " + g.layers() + " layers, the network " + m.spec().size());
                WeightTransform t = CheckpointAccuracy.transform(g);
                for (int l = 0; l < m.spec().size(); l++) m.setWeightTransform(l, t);
                Map<Precision, Double> acc = new EnumMap<>(Precision.class), sec = new EnumMap<>(Precision.class);
                for (Precision p : ps) {
                    long t0 = System.nanoTime();
                    acc.put(p, m.accuracy(images, batch, p));
                    sec.put(p, (System.nanoTime() - t0) / 1e9);
                }
                Row row = new Row(g, acc, sec);
                rows.add(row);
                if (progress != null) progress.accept(row);
            }
        } finally {
            m.clearWeightTransforms();
        }
        return rows;
    }
}
