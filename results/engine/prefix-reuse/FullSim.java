package org.emomc4j.search;

import org.emomc4j.compress.coding.Coding;
import org.emomc4j.hw.Dataflow;
import org.emomc4j.nn.NetworkSpec;
import java.nio.file.Path;

public class FullSim {
    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        NetworkSpec spec = NetworkSpec.vgg16();
        AccuracyOracle acc = g -> {
            double a = 0.93 - 0.25 * Math.pow(1 - g.remaining(), 3);
            for (int l = 0; l < g.layers(); l++) a -= 0.02 * Math.max(0, 6 - g.bits(l)) * (l == 0 ? 2 : 1);
            return Math.max(0.1, a);
        };
        Profile p = Profile.FULL;
        for (Dataflow d : Dataflow.values()) run(p, Objective.ENERGY, new ReferenceCosts(spec, d, Coding.DENSE), acc, out, spec);
        for (Coding c : Coding.PAPER) run(p, Objective.SIZE, new ReferenceCosts(spec, Dataflow.XY, c), acc, out, spec);
    }

    static void run(Profile p, Objective o, ReferenceCosts costs, AccuracyOracle acc, Path out, NetworkSpec spec) throws Exception {
        String name = RunLayout.searchName(o, costs.dataflow(), costs.coding());
        SearchConfig cfg = p.searchConfig(o, costs.dataflow().name(), costs.coding().cliName());
        EmomcProblem prob = new EmomcProblem(RemainingGrid.parse("0.20:0.80:0.01"), spec.size(), 2, 12, o,
                Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, acc, costs);
        SearchRun.Result r = new SearchRun(cfg, prob, out.resolve(name)).run(false, null);
        System.out.println(name + " " + r.evaluations().size());
    }
}
