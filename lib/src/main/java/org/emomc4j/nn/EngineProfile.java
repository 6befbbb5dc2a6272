package org.emomc4j.nn;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Development aid: per-op time of training steps and inference passes.
 * {@code java -cp ... org.emomc4j.nn.EngineProfile 1/4 128 [steps]}.
 */
public final class EngineProfile {
    public static void main(String[] a) {
        NetworkSpec spec = NetworkSpec.vgg("vgg16", NetworkSpec.parseWidth(a[0]));
        int n = Integer.parseInt(a[1]), steps = a.length > 2 ? Integer.parseInt(a[2]) : 5;
        Model m = Model.create(spec, 1);
        Sgd sgd = new Sgd(m, 0.9, 5e-4);
        INDArray x = Nd4j.randn(1, new long[]{n, 32, 32, 3});
        int[] y = new int[n];
        for (int i = 0; i < 3; i++) { m.forwardBackward(x, y); sgd.step(0.01); }
        NdOps.profile = new TreeMap<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < steps; i++) {
            m.forwardBackward(x, y);
            NdOps.timed("sgd", () -> sgd.step(0.01));
        }
        double total = (System.nanoTime() - t0) / 1e6 / steps;
        print("train step", total, n, steps);
        System.out.println("peak resident memory after training steps: " + peakRss());
        m.logits(x);
        NdOps.profile = new TreeMap<>();
        t0 = System.nanoTime();
        for (int i = 0; i < steps; i++) m.logits(x);
        print("inference", (System.nanoTime() - t0) / 1e6 / steps, n, steps);
    }

    /** VmHWM of this process (Linux), i.e. peak resident set size including off-heap ND4J buffers. */
    static String peakRss() {
        double mb = peakRssMiB();
        return Double.isNaN(mb) ? "unknown" : String.format(Locale.ROOT, "%.0f MiB", mb);
    }

    /** VmHWM in MiB, NaN where /proc/self/status is not available (not Linux). */
    static double peakRssMiB() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status")))
                if (line.startsWith("VmHWM")) return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) / 1024.0;
        } catch (java.io.IOException | RuntimeException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }

    private static void print(String what, double ms, int n, int steps) {
        System.out.printf(Locale.ROOT, "%s: %.1f ms/step, %.1f img/s%n", what, ms, n / ms * 1000);
        double sum = 0;
        for (Map.Entry<String, long[]> e : NdOps.profile.entrySet()) {
            double t = e.getValue()[0] / 1e6 / steps;
            sum += t;
            System.out.printf(Locale.ROOT, "  %-14s %8.1f ms %5.1f%%  (%d calls/step)%n", e.getKey(), t, 100 * t / ms, e.getValue()[1] / steps);
        }
        System.out.printf(Locale.ROOT, "  %-14s %8.1f ms%n", "(other)", ms - sum);
    }
}
