package org.emomc4j.search;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.emomc4j.util.AtomicFiles;
import org.emomc4j.util.Hashes;
import org.emomc4j.util.ResumeKey;
import org.emomc4j.util.UserError;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The state of a stage-2 search after a finished generation, enough to continue it exactly: the
 * algorithm's population (each member's decision variables, objectives, constraints and the
 * selection attributes the algorithm ranks it by), the evaluation count, the generation and the
 * seed. The random generator needs no saving: it is re-seeded from (seed, generation) before
 * every generation ({@link #SEED_SCHEME}).
 *
 * <p>File format ({@code state.json}, version 2), UTF-8 text:
 * <pre>
 *   emomc4j-search-state 2 sha256=&lt;64 hex digits: SHA-256 of every byte after this line&gt;\n
 *   { "key":         {"command": "search", "settings": {name: text, ...}},   the resume key
 *     "algorithm":   "NSGAII" | "SPEA2",
 *     "generation":  int (last finished generation; 0 = the initial population),
 *     "evaluations": int (population + generation x offspring),
 *     "seconds":     wall time so far,
 *     "seed":        long, "seed_scheme": "java.util.Random(mix(seed, generation)) per generation",
 *     "population":  [ {"variables": [r, q0, q1, ...], "objectives": [...], "constraints": [...],
 *                       "rank": int, "crowding": number, "fitness": number}, ... ] }
 * </pre>
 * Non-finite numbers are written as the strings "Infinity", "-Infinity" or "NaN". Reading checks
 * the header and checksum, then every field's type, count and range against the run's
 * configuration and problem; the JSON is read as a plain tree, so no class named in the file is
 * ever loaded or instantiated. The checksum only catches corruption: a crafted file with a valid
 * checksum is still only data, refused unless it describes a population the problem could have
 * produced (members are rebuilt through the problem and must match {@code evaluations.csv}).
 */
public final class SearchState {

    public static final String FILE = "state.json";
    /** The Java-serialized state of emomc4j before format 2: never read (a file from elsewhere could run code). */
    public static final String LEGACY_FILE = "state.bin";
    static final String MAGIC = "emomc4j-search-state";
    static final int VERSION = 2;
    public static final String SEED_SCHEME = "java.util.Random(mix(seed, generation)) per generation";
    private static final long MAX_BYTES = 64L << 20;

    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16).maxStringLength(1 << 20)
                    .maxNumberLength(64).build()).build())
            .enable(SerializationFeature.INDENT_OUTPUT);

    /** One population member as stored. Attributes are null when the algorithm does not use them. */
    public record Member(double[] variables, double[] objectives, double[] constraints, Integer rank, Double crowding,
                         Double fitness) { }

    private final ResumeKey key;
    private final String algorithm;
    private final int generation, evaluations;
    private final double seconds;
    private final long seed;
    private final List<Member> population;

    public SearchState(ResumeKey key, String algorithm, int generation, int evaluations, double seconds, long seed,
                       List<Member> population) {
        this.key = key;
        this.algorithm = algorithm;
        this.generation = generation;
        this.evaluations = evaluations;
        this.seconds = seconds;
        this.seed = seed;
        this.population = List.copyOf(population);
    }

    public ResumeKey key() { return key; }

    public String algorithm() { return algorithm; }

    public int generation() { return generation; }

    public int evaluations() { return evaluations; }

    public double seconds() { return seconds; }

    public long seed() { return seed; }

    public List<Member> population() { return population; }

    /** Writes the state atomically. */
    public void write(Path file) throws IOException {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.set("key", key.toJson());
        o.put("algorithm", algorithm);
        o.put("generation", generation);
        o.put("evaluations", evaluations);
        o.put("seconds", seconds);
        o.put("seed", seed);
        o.put("seed_scheme", SEED_SCHEME);
        ArrayNode pop = o.putArray("population");
        for (Member m : population) {
            ObjectNode x = pop.addObject();
            numbers(x.putArray("variables"), m.variables());
            numbers(x.putArray("objectives"), m.objectives());
            numbers(x.putArray("constraints"), m.constraints());
            if (m.rank() != null) x.put("rank", m.rank());
            if (m.crowding() != null) number(x, "crowding", m.crowding());
            if (m.fitness() != null) number(x, "fitness", m.fitness());
        }
        byte[] body = JSON.writeValueAsBytes(o);
        byte[] header = (MAGIC + " " + VERSION + " sha256=" + Hashes.sha256(body) + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[header.length + body.length];
        System.arraycopy(header, 0, all, 0, header.length);
        System.arraycopy(body, 0, all, header.length, body.length);
        AtomicFiles.write(file, all);
    }

    private static void numbers(ArrayNode a, double[] v) {
        for (double d : v) {
            if (Double.isFinite(d)) a.add(d);
            else a.add(Double.toString(d));
        }
    }

    private static void number(ObjectNode o, String name, double d) {
        if (Double.isFinite(d)) o.put(name, d);
        else o.put(name, Double.toString(d));
    }

    /**
     * Reads and checks a state file. Only the file's own structure is checked here; whether its
     * population fits the run is checked when the algorithm is rebuilt from it.
     *
     * @throws UserError naming the file when it is not a well-formed search state
     */
    public static SearchState read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_BYTES) throw bad(file, "is " + size + " bytes, more than any search state (" + MAX_BYTES + ")");
        byte[] all = Files.readAllBytes(file);
        int nl = -1;
        for (int i = 0; i < Math.min(all.length, 200); i++) if (all[i] == '\n') { nl = i; break; }
        if (nl < 0) throw bad(file, "has no '" + MAGIC + "' header line");
        String[] head = new String(all, 0, nl, StandardCharsets.US_ASCII).split(" ");
        if (head.length != 3 || !head[0].equals(MAGIC) || !head[2].startsWith("sha256="))
            throw bad(file, "does not start with '" + MAGIC + " <version> sha256=<hex>'");
        if (!head[1].equals(Integer.toString(VERSION)))
            throw bad(file, "is format version " + head[1] + "; this emomc4j reads version " + VERSION);
        String sum = Hashes.sha256(all, nl + 1, all.length - nl - 1);
        if (!sum.equals(head[2].substring("sha256=".length())))
            throw bad(file, "is corrupt (checksum mismatch)");
        JsonNode o;
        try {
            o = JSON.readTree(new String(all, nl + 1, all.length - nl - 1, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw bad(file, "is not valid JSON: " + e.getMessage());
        }
        if (o == null || !o.isObject()) throw bad(file, "holds no JSON object");
        if (!SEED_SCHEME.equals(o.path("seed_scheme").asText(null)))
            throw bad(file, "uses an unknown seed scheme " + o.path("seed_scheme"));
        ResumeKey key = ResumeKey.fromJson(o.get("key"), file);
        String alg = text(o, "algorithm", file);
        int gen = integer(o, "generation", file), evals = integer(o, "evaluations", file);
        if (gen < 0 || evals < 0) throw bad(file, "has a negative generation or evaluation count");
        double secs = num(o.get("seconds"), "seconds", file);
        if (!o.path("seed").canConvertToLong()) throw bad(file, "has no integer 'seed'");
        long seed = o.path("seed").asLong();
        JsonNode pop = o.get("population");
        if (pop == null || !pop.isArray() || pop.isEmpty()) throw bad(file, "has no population");
        List<Member> members = new ArrayList<>();
        for (int i = 0; i < pop.size(); i++) {
            JsonNode m = pop.get(i);
            String where = "population[" + i + "]";
            if (!m.isObject()) throw bad(file, where + " is not an object");
            java.util.Iterator<String> names = m.fieldNames();
            while (names.hasNext()) {
                String n = names.next();
                if (!List.of("variables", "objectives", "constraints", "rank", "crowding", "fitness").contains(n))
                    throw bad(file, where + " has an unknown field '" + n + "'");
            }
            Integer rank = null;
            if (m.has("rank")) {
                if (!m.get("rank").isInt() || m.get("rank").asInt() < 0) throw bad(file, where + ".rank is not a rank");
                rank = m.get("rank").asInt();
            }
            members.add(new Member(array(m, "variables", where, file), array(m, "objectives", where, file),
                    array(m, "constraints", where, file), rank,
                    m.has("crowding") ? num(m.get("crowding"), where + ".crowding", file) : null,
                    m.has("fitness") ? num(m.get("fitness"), where + ".fitness", file) : null));
        }
        return new SearchState(key, alg, gen, evals, secs, seed, members);
    }

    static UserError bad(Path file, String what) {
        return new UserError("search state " + file + " " + what + "; it is not used (delete it to start the search over)");
    }

    private static String text(JsonNode o, String name, Path file) {
        JsonNode n = o.get(name);
        if (n == null || !n.isTextual()) throw bad(file, "has no text field '" + name + "'");
        return n.asText();
    }

    private static int integer(JsonNode o, String name, Path file) {
        JsonNode n = o.get(name);
        if (n == null || !n.isInt()) throw bad(file, "has no integer field '" + name + "'");
        return n.asInt();
    }

    private static double num(JsonNode n, String name, Path file) {
        if (n != null && n.isNumber()) return n.asDouble();
        if (n != null && n.isTextual()) {
            switch (n.asText()) {
                case "Infinity": return Double.POSITIVE_INFINITY;
                case "-Infinity": return Double.NEGATIVE_INFINITY;
                case "NaN": return Double.NaN;
                default: break;
            }
        }
        throw bad(file, "'" + name + "' is not a number");
    }

    private static double[] array(JsonNode m, String name, String where, Path file) {
        JsonNode a = m.get(name);
        if (a == null || !a.isArray() || a.size() > 1024) throw bad(file, where + "." + name + " is not an array of numbers");
        double[] v = new double[a.size()];
        for (int i = 0; i < v.length; i++) v[i] = num(a.get(i), where + "." + name + "[" + i + "]", file);
        return v;
    }
}
