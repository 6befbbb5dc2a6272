package org.emomc4j.search;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.emomc4j.util.Hashes;
import org.emomc4j.util.UserError;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.*;

/** The search state is data: a crafted or foreign file is refused, naming it, and nothing in it is instantiated. */
class SearchStateTest {

    /** Counts its instances, however made (constructor or deserialization). */
    public static final class Canary implements Serializable {
        static final AtomicInteger MADE = new AtomicInteger();

        public Canary() { MADE.incrementAndGet(); }

        private void readObject(ObjectInputStream in) throws java.io.IOException, ClassNotFoundException {
            in.defaultReadObject();
            MADE.incrementAndGet();
        }
    }

    @TempDir
    Path tmp;
    Path dir;
    String original;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeEach
    void search() throws Exception {
        dir = tmp.resolve("run");
        new SearchRun(SyntheticOracles.config(Objective.ENERGY, 2), SyntheticOracles.problem(Objective.ENERGY), dir).run(false, null);
        Canary.MADE.set(0);
        original = Files.readString(dir.resolve(SearchState.FILE));
    }

    private ObjectNode body() throws Exception {
        return (ObjectNode) JSON.readTree(original.substring(original.indexOf('\n') + 1));
    }

    /** Writes a body with a valid checksum, as someone crafting a file would. */
    private void writeWithValidChecksum(String body) throws Exception {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        Files.write(dir.resolve(SearchState.FILE),
                ("emomc4j-search-state 2 sha256=" + Hashes.sha256(b) + "\n" + body).getBytes(StandardCharsets.UTF_8));
    }

    private void assertRefused(String why, String... inMessage) {
        UserError e = assertThrows(UserError.class, () -> new SearchRun(SyntheticOracles.config(Objective.ENERGY, 4),
                SyntheticOracles.problem(Objective.ENERGY), dir).run(true, null), why);
        assertTrue(e.getMessage().contains(dir.resolve(SearchState.FILE).toString()), why + ": " + e.getMessage());
        for (String s : inMessage) assertTrue(e.getMessage().contains(s), why + ": " + e.getMessage());
        assertEquals(0, Canary.MADE.get(), why + ": something in the file was instantiated");
    }

    private void tamper(String why, Consumer<ObjectNode> change, String... inMessage) throws Exception {
        ObjectNode b = body();
        change.accept(b);
        writeWithValidChecksum(JSON.writeValueAsString(b));
        assertRefused(why, inMessage);
    }

    @Test
    void theUntamperedStateResumes() throws Exception {
        writeWithValidChecksum(JSON.writeValueAsString(body())); // re-serialized, still valid
        SearchRun.Result r = new SearchRun(SyntheticOracles.config(Objective.ENERGY, 4), SyntheticOracles.problem(Objective.ENERGY), dir)
                .run(true, null);
        assertEquals(5, r.progress().size());
    }

    @Test
    void craftedContentWithAValidChecksumIsRefusedAndNothingIsInstantiated() throws Exception {
        String canary = Canary.class.getName();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) { out.writeObject(new Canary()); }
        Canary.MADE.set(0);
        String gadget = Base64.getEncoder().encodeToString(bytes.toByteArray());

        tamper("polymorphic type hint", b -> ((ObjectNode) b.get("population").get(0)).put("@class", canary), "unknown field '@class'");
        tamper("serialized object instead of a population", b -> b.put("population", gadget), "no population");
        tamper("type-hinted seed", b -> b.putArray("seed").add(canary).add(1), "seed");
        tamper("a variable out of its bounds", b -> ((ArrayNode) b.get("population").get(0).get("variables")).set(1, 99.0), "outside");
        tamper("a better accuracy than measured", b -> ((ArrayNode) b.get("population").get(0).get("objectives")).set(0, 0.0),
                "objectives other than those measured");
        tamper("a genome never measured", b -> ((ArrayNode) b.get("population").get(0).get("variables")).set(0, 0.2001),
                "never measured");
        tamper("a population larger than the run's", b -> ((ArrayNode) b.get("population")).add(b.get("population").get(0)), "members");
        tamper("an evaluation count off the budget", b -> b.put("evaluations", 5), "budget");
        tamper("another algorithm", b -> b.put("algorithm", "SPEA2"), "SPEA2");
        tamper("another configuration", b -> ((ObjectNode) b.get("key").get("settings")).put("population", "99"), "population: 99 in the run");
        tamper("deep nesting", b -> {
            ObjectNode n = b;
            for (int i = 0; i < 40; i++) n = n.putObject("x");
        }, "not valid JSON");
    }

    @Test
    void foreignAndCorruptFilesAreRefusedByName() throws Exception {
        Files.write(dir.resolve(SearchState.FILE), new byte[]{(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10});
        assertRefused("a PNG", "does not start with");
        Files.writeString(dir.resolve(SearchState.FILE), "emomc4j-search-state 1 sha256=00\n{}");
        assertRefused("an older format", "version 1");
        writeWithValidChecksum("[1, 2, 3]");
        assertRefused("not an object", "no JSON object");
    }

    @Test
    void aLegacySerializedStateIsNeverRead() throws Exception {
        Path legacy = tmp.resolve("legacy");
        Files.createDirectories(legacy);
        try (ObjectOutputStream out = new ObjectOutputStream(Files.newOutputStream(legacy.resolve(SearchState.LEGACY_FILE)))) {
            out.writeObject(new Canary());
        }
        Canary.MADE.set(0);
        UserError e = assertThrows(UserError.class, () -> new SearchRun(SyntheticOracles.config(Objective.ENERGY, 2),
                SyntheticOracles.problem(Objective.ENERGY), legacy).run(true, null));
        assertTrue(e.getMessage().contains(SearchState.LEGACY_FILE) && e.getMessage().contains("Java serialization"), e.getMessage());
        assertEquals(0, Canary.MADE.get());
    }
}
