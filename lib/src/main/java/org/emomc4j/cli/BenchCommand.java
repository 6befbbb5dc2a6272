package org.emomc4j.cli;

import org.emomc4j.util.UserError;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.emomc4j.bench.BenchSection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code emomc bench}: speed figures as a table, or one JSON object with {@code --json}.
 * Sections are registered in {@link #SECTIONS}; each issue adds its own.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure speeds (engine, data loading, cost models, coders) and print a table or JSON.")
public final class BenchCommand implements Callable<Integer> {

    /** Every benchmark section, in print order. */
    static final List<BenchSection> SECTIONS = List.of(
            new org.emomc4j.data.DataBench(),
            // bf16/int8 inference is measured on a plan as search scores it: r 0.5, 6 bits everywhere
            new org.emomc4j.nn.EngineBench(org.emomc4j.nn.EngineBench.typicalPlan()),
            new org.emomc4j.hw.CostBench(),
            new org.emomc4j.compress.coding.CodingBench()
    );

    @Option(names = "--json", description = "Print one JSON object instead of a table.")
    boolean json;

    @Option(names = "--quick", description = "Fewer repetitions (noisier figures).")
    boolean quick;

    @Option(names = "--only", split = ",", paramLabel = "SECTION",
            description = "Run only these sections (comma-separated names).")
    List<String> only = new ArrayList<>();

    @Option(names = "--data", paramLabel = "DIR", description = "CIFAR-10 directory (default: $EMOMC_DATA, else datasets/cifar-10-batches-bin).")
    Path data;

    @Override
    public Integer call() throws Exception {
        for (String o : only) {
            if (SECTIONS.stream().noneMatch(s -> s.name().equals(o)))
                throw new UserError("unknown bench section '" + o + "': use one of "
                        + SECTIONS.stream().map(BenchSection::name).toList());
        }
        BenchSection.BenchContext ctx = new BenchSection.BenchContext(data, quick, only);
        LinkedHashMap<String, Object> all = new LinkedHashMap<>();
        all.put("threads", Runtime.getRuntime().availableProcessors());
        for (BenchSection s : SECTIONS) {
            if (!only.isEmpty() && !only.contains(s.name())) continue;
            if (!json) System.err.println("bench: running " + s.name() + " ...");
            all.putAll(s.run(ctx));
        }
        if (json) {
            System.out.println(new ObjectMapper().writeValueAsString(all));
        } else {
            System.out.println(table(all));
        }
        return 0;
    }

    /** Flattens nested maps into "key  figure  value" rows. */
    static String table(Map<String, Object> all) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-28s %-28s %14s%n", "section", "figure", "value"));
        sb.append("-".repeat(72)).append('\n');
        for (Map.Entry<String, Object> e : all.entrySet()) {
            if (e.getValue() instanceof Map<?, ?> m) {
                for (Map.Entry<?, ?> f : m.entrySet())
                    sb.append(String.format(Locale.ROOT, "%-28s %-28s %14s%n", e.getKey(), f.getKey(), fmt(f.getValue())));
            } else {
                sb.append(String.format(Locale.ROOT, "%-28s %-28s %14s%n", e.getKey(), "", fmt(e.getValue())));
            }
        }
        return sb.toString();
    }

    private static String fmt(Object v) {
        if (v instanceof Double d) return String.format(Locale.ROOT, "%.3f", d);
        return String.valueOf(v);
    }
}
