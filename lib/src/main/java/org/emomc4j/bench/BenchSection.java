package org.emomc4j.bench;

import java.util.LinkedHashMap;
import java.util.List;

/**
 * One block of {@code ./emomc bench}: it measures something and returns its figures under one
 * JSON key (e.g. {@code "vgg16"}, {@code "data"}, {@code "cost"}). Each figure also appears as a
 * row of the printed table. Benchmarks never run in tests; they are how speed targets are met.
 */
public interface BenchSection {

    /** Short name used by {@code --only}, e.g. {@code engine}, {@code data}, {@code cost}. */
    String name();

    /**
     * Runs the measurements.
     *
     * @param ctx options shared by all sections (data location, quick mode)
     * @return JSON keys to objects of named figures, in print order
     */
    LinkedHashMap<String, Object> run(BenchContext ctx) throws Exception;

    /** Shared options of one bench run. */
    record BenchContext(java.nio.file.Path dataDir, boolean quick, List<String> only) { }
}
