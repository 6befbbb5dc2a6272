package org.emomc4j.cli;


import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.emomc4j.compress.CompressionPlan;
import org.emomc4j.compress.coding.Coding;
import org.emomc4j.compress.coding.SizeModel;
import org.emomc4j.hw.Dataflow;
import org.emomc4j.hw.EnergyModel;
import org.emomc4j.hw.EnergyModels;
import org.emomc4j.hw.EnergyReport;
import org.emomc4j.hw.LayerEnergy;
import org.emomc4j.nn.LayerSpec;
import org.emomc4j.nn.NetworkSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code emomc cost}: energy (per dataflow) and model size (per coding) of a compression plan,
 * from the cost models alone (no weights).
 */
@Command(name = "cost", mixinStandardHelpOptions = true,
        description = "Energy and model size of a pruning + quantization plan (no weights needed).")
public final class CostCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec cmdSpec;

    @Option(names = "--model", defaultValue = "vgg16", description = "Network: vgg11, vgg13, vgg16, vgg19 (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--width", defaultValue = "1", description = "Channel width multiplier in (0, 1], e.g. 1, 1/2, 0.25 (default: ${DEFAULT-VALUE}).")
    String width;

    @Option(names = "--dl4j", paramLabel = "ZIP", description = "Price a DL4J model zip (32x32x3 input) instead of --model/--width.")
    java.nio.file.Path dl4j;

    @Mixin
    PlanOptions planOptions = new PlanOptions();

    @Option(names = "--dataflow", paramLabel = "DF", description = "XY, ICOC, FXFY or XFX (default: all four).")
    String dataflow;

    @Option(names = "--coding", paramLabel = "CODING", description = "dense, csr or coo (default: all three).")
    String coding;

    @Option(names = "--energy-model", defaultValue = "reference", paramLabel = "MODEL",
            description = "reference (the paper's), eyeriss (normalised costs) or horowitz45 (45 nm pJ) (default: ${DEFAULT-VALUE}).")
    String energyModel;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        NetworkSpec spec = dl4j != null ? ImportCommand.load(dl4j, "32x32x3").spec() : NetworkSpec.vgg(model, NetworkSpec.parseWidth(width));
        CompressionPlan plan = planOptions.require(spec);
        EnergyModel em = EnergyModels.byName(energyModel, spec);
        List<Dataflow> dfs = dataflow == null ? List.of(Dataflow.values()) : List.of(Dataflow.parse(dataflow));
        List<Coding> cods = coding == null ? List.of(Coding.PAPER) : List.of(Coding.parse(coding, Coding.PAPER));
        SizeModel sm = SizeModel.of(spec);

        Map<Dataflow, EnergyReport> reports = new LinkedHashMap<>();
        for (Dataflow d : dfs) reports.put(d, em.report(plan, d));
        PrintWriter out = cmdSpec.commandLine().getOut();
        String energyKey = em.unit().equals("mJ") ? "energy_mJ" : "energy";
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            if (!em.name().equals("reference")) o.put("energy_model", em.name());
            if (!em.unit().equals("mJ")) o.put("energy_unit", em.unit());
            if (dataflow != null) {
                o.put(energyKey, reports.get(dfs.get(0)).total());
            } else {
                Map<String, Double> m = new LinkedHashMap<>();
                reports.forEach((d, r) -> m.put(d.name(), r.total()));
                o.put(energyKey, m);
            }
            if (coding != null) {
                o.put("size_kB", sm.kibibytes(plan, cods.get(0)));
            } else {
                Map<String, Double> m = new LinkedHashMap<>();
                for (Coding c : cods) m.put(c.cliName(), sm.kibibytes(plan, c));
                o.put("size_kB", m);
            }
            if (dataflow != null && coding != null) {
                EnergyReport rep = reports.get(dfs.get(0));
                List<Map<String, Object>> layers = new ArrayList<>();
                for (int l = 0; l < spec.size(); l++) {
                    LayerSpec ls = spec.layer(l);
                    LayerEnergy le = rep.layers().get(l);
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("index", l);
                    m.put("name", ls.name());
                    m.put("weights", ls.weightCount());
                    m.put("macs", ls.macs());
                    m.put("remaining", plan.remaining(l));
                    m.put("bits", plan.weightBits(l));
                    if (plan.activationBits(l) != 0) m.put("activation_bits", plan.activationBits(l));
                    m.put(energyKey, le.total());
                    m.put("energy_components", le.components());
                    m.put("size_kB", sm.layerBits(l, plan, cods.get(0)) / 8192.0);
                    layers.add(m);
                }
                o.put("layers", layers);
            }
            out.println(new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS).writeValueAsString(o));
        } else {
            out.println(table(spec, plan, em, reports, cods, sm));
        }
        out.flush();
        return 0;
    }

    private static String table(NetworkSpec spec, CompressionPlan plan, EnergyModel em, Map<Dataflow, EnergyReport> reports,
                                List<Coding> cods, SizeModel sm) {
        StringBuilder sb = new StringBuilder();
        String eu = em.unit();
        sb.append(String.format(Locale.ROOT, "%s  energy model: %s (%s)  sizes in KiB%n", spec.id(), em.name(), eu));
        sb.append(String.format(Locale.ROOT, "%-6s %6s %4s %10s", "layer", "r", "bits", "weights"));
        String ef = eu.equals("mJ") ? " %12.6f" : " %12.5e";
        for (Dataflow d : reports.keySet()) sb.append(String.format(Locale.ROOT, " %12s", "E " + d.label()));
        for (Coding c : cods) sb.append(String.format(Locale.ROOT, " %12s", c.cliName()));
        sb.append('\n');
        for (int l = 0; l < spec.size(); l++) {
            sb.append(String.format(Locale.ROOT, "%-6s %6.3f %4d %10d", spec.layer(l).name(), plan.remaining(l),
                    plan.weightBits(l), spec.layer(l).weightCount()));
            for (EnergyReport r : reports.values()) sb.append(String.format(Locale.ROOT, ef, r.layers().get(l).total()));
            for (Coding c : cods) sb.append(String.format(Locale.ROOT, " %12.4f", sm.layerBits(l, plan, c) / 8192.0));
            sb.append('\n');
        }
        sb.append(String.format(Locale.ROOT, "%-6s %6s %4s %10d", "total", "", "", spec.weightCount()));
        for (EnergyReport r : reports.values()) sb.append(String.format(Locale.ROOT, ef, r.total()));
        for (Coding c : cods) sb.append(String.format(Locale.ROOT, " %12.4f", sm.kibibytes(plan, c)));
        return sb.toString();
    }
}
