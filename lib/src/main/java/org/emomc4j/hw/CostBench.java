package org.emomc4j.hw;

import org.emomc4j.bench.BenchSection;
import org.emomc4j.compress.CompressionPlan;
import org.emomc4j.compress.coding.Coding;
import org.emomc4j.compress.coding.SizeModel;
import org.emomc4j.nn.NetworkSpec;

import java.util.LinkedHashMap;
import java.util.Random;

/**
 * Benchmark of the search's inner loop: one VGG-16 genome (random r and 14 bit-widths) through
 * the reference energy model (one dataflow) and the size model (one coding), including building
 * the plan from the genome. Target: <= 10 microseconds.
 */
public final class CostBench implements BenchSection {

    @Override public String name() { return "cost"; }

    @Override
    public LinkedHashMap<String, Object> run(BenchContext ctx) {
        NetworkSpec spec = NetworkSpec.vgg16();
        ReferenceEnergyModel em = ReferenceEnergyModel.of(spec);
        SizeModel sm = SizeModel.of(spec);
        int g = 4096;
        double[][] genomes = new double[g][15];
        Random rnd = new Random(1);
        for (double[] x : genomes) {
            x[0] = 0.2 + 0.01 * rnd.nextInt(61);
            for (int i = 1; i < 15; i++) x[i] = 2 + rnd.nextInt(11);
        }
        Dataflow[] dfs = Dataflow.values();
        Coding[] cods = Coding.PAPER;
        int iters = ctx.quick() ? 200_000 : 2_000_000;
        double sink = 0;
        // warm-up so the JIT has compiled the path being timed
        for (int i = 0; i < 300_000; i++) {
            CompressionPlan p = CompressionPlan.fromGenome(spec, genomes[i & (g - 1)]);
            sink += em.energyMilliJoules(p, dfs[i & 3]) + sm.kibibytes(p, cods[i % 3]);
        }
        double best = Double.MAX_VALUE;
        for (int rep = 0; rep < 3; rep++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < iters; i++) {
                CompressionPlan p = CompressionPlan.fromGenome(spec, genomes[i & (g - 1)]);
                sink += em.energyMilliJoules(p, dfs[i & 3]) + sm.kibibytes(p, cods[i % 3]);
            }
            best = Math.min(best, (System.nanoTime() - t0) / 1e3 / iters);
        }
        double all = Double.MAX_VALUE;
        int itersAll = iters / 4;
        for (int rep = 0; rep < 3; rep++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < itersAll; i++) {
                CompressionPlan p = CompressionPlan.fromGenome(spec, genomes[i & (g - 1)]);
                for (Dataflow d : dfs) sink += em.energyMilliJoules(p, d);
                for (Coding c : cods) sink += sm.kibibytes(p, c);
            }
            all = Math.min(all, (System.nanoTime() - t0) / 1e3 / itersAll);
        }
        LinkedHashMap<String, Object> f = new LinkedHashMap<>();
        f.put("genome_energy+size_us", best);
        f.put("genome_4df+3codings_us", all);
        f.put("target_us", 10.0);
        f.put("checksum", sink > 0 ? "ok" : "?");
        LinkedHashMap<String, Object> out = new LinkedHashMap<>();
        out.put("cost", f);
        return out;
    }
}
