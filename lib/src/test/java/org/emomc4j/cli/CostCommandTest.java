package org.emomc4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CostCommandTest {

    record Run(int code, String out, String err) { }

    static synchronized Run run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.execute(args);
            System.out.flush();
            System.err.flush();
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void allDataflowsAndCodings() throws Exception {
        Run r = run("cost", "--model", "vgg16", "--remaining", "0.5", "--bits", "4", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(2, j.size());
        assertEquals(1.973432, j.get("energy_mJ").get("XY").asDouble(), 1e-6);
        assertEquals(1.551732, j.get("energy_mJ").get("ICOC").asDouble(), 1e-6);
        assertEquals(2.380293, j.get("energy_mJ").get("FXFY").asDouble(), 1e-6);
        assertEquals(2.660642, j.get("energy_mJ").get("XFX").asDouble(), 1e-6);
        assertEquals(7185.3438, j.get("size_kB").get("dense").asDouble(), 1e-4);
        assertEquals(6287.1758, j.get("size_kB").get("csr").asDouble(), 1e-4);
        assertEquals(22108.3320, j.get("size_kB").get("coo").asDouble(), 1e-4);
    }

    @Test
    void oneDataflowAndCodingWithLayers() throws Exception {
        Run r = run("cost", "--remaining", "0.2", "--bits", "2,2,2,2,2,2,2,2,2,2,2,2,2,2", "--dataflow", "X|Fx",
                "--coding", "coo", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(1.235354, j.get("energy_mJ").asDouble(), 1e-6);
        assertEquals(8124.7984, j.get("size_kB").asDouble(), 1e-4);
        assertEquals(14, j.get("layers").size());
        double sum = 0, size = 0;
        for (JsonNode l : j.get("layers")) { sum += l.get("energy_mJ").asDouble(); size += l.get("size_kB").asDouble(); }
        assertEquals(1.235354, sum, 1e-6);
        assertEquals(8124.7984, size, 1e-4);
    }

    @Test
    void tableAndOtherEnergyModels() throws Exception {
        Run r = run("cost", "--remaining", "1", "--bits", "32");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("13.044667"), r.out());
        Run e = run("cost", "--remaining", "0.5", "--bits", "8", "--energy-model", "eyeriss", "--json");
        assertEquals(0, e.code(), e.err());
        JsonNode j = new ObjectMapper().readTree(e.out());
        assertEquals("normalised", j.get("energy_unit").asText());
        assertTrue(j.get("energy").get("XY").asDouble() > 0);
        Run h = run("cost", "--remaining", "0.5", "--bits", "8", "--activation-bits", "8", "--energy-model", "horowitz45",
                "--dataflow", "ICOC", "--coding", "dense", "--json");
        assertEquals(0, h.code(), h.err());
        assertTrue(new ObjectMapper().readTree(h.out()).get("energy_mJ").asDouble() > 0);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
            "three bit-widths;             --remaining 0.5 --bits 4,4,4;                    --bits has 3 bit-widths but vgg16 has 14",
            "fifteen bit-widths;           --remaining 0.5 --bits 4,4,4,4,4,4,4,4,4,4,4,4,4,4,4; --bits has 15 bit-widths",
            "bits zero;                    --remaining 0.5 --bits 0;                        bit-width 0 is out of range 1..32",
            "bits 33;                      --remaining 0.5 --bits 33;                       bit-width 33 is out of range",
            "one layer out of range;       --remaining 0.5 --bits 4,4,4,4,4,4,4,4,4,4,4,4,4,40; bit-width 40 of layer 13",
            "bits not a number;            --remaining 0.5 --bits four;                     'four' is not an integer",
            "fractional bits;              --remaining 0.5 --bits 4.5;                      '4.5' is not an integer",
            "empty bit in list;            --remaining 0.5 --bits 4,,4,4,4,4,4,4,4,4,4,4,4,4; '' is not an integer",
            "remaining zero;               --remaining 0 --bits 4;                          --remaining must be in (0, 1], got 0",
            "remaining above one;          --remaining 1.5 --bits 4;                        --remaining must be in (0, 1]",
            "remaining negative;           --remaining -0.2 --bits 4;                       --remaining must be in (0, 1]",
            "remaining not a number;       --remaining half --bits 4;                       --remaining must be a number",
            "remaining NaN;                --remaining NaN --bits 4;                        --remaining must be in (0, 1]",
            "unknown dataflow;             --remaining 0.5 --bits 4 --dataflow YX;          unknown dataflow 'YX'",
            "unknown coding;               --remaining 0.5 --bits 4 --coding zip;           unknown coding 'zip'",
            "bitmap not a paper coding;    --remaining 0.5 --bits 4 --coding bitmap;        unknown coding 'bitmap'",
            "unknown energy model;         --remaining 0.5 --bits 4 --energy-model foo;     unknown energy model 'foo'",
            "unknown model;                --model resnet --remaining 0.5 --bits 4;         unknown model 'resnet'",
            "bad width;                    --width 2 --remaining 0.5 --bits 4;              bad width '2'",
            "bad activation bits;          --remaining 0.5 --bits 4 --activation-bits 0;    --activation-bits must be in 1..32",
            "missing bits;                 --remaining 0.5;                                 --bits",
            "missing remaining;            --bits 4;                                        --remaining",
            "unknown option;               --remaining 0.5 --bits 4 --colour red;           --colour"})
    void badInputExitsTwoWithMessage(String name, String args, String message) {
        String[] a = ("cost " + args.trim()).split("\\s+");
        Run r = run(a);
        assertEquals(Main.EXIT_BAD_INPUT, r.code(), name + ": " + r.err());
        assertTrue(r.err().contains(message.trim()), name + ": expected '" + message.trim() + "' in: " + r.err());
        assertTrue(r.out().isEmpty() || !r.out().contains("energy_mJ"), name);
    }

    @Test
    void widthProfileCountsItsOwnLayers() {
        Run r = run("cost", "--model", "vgg11", "--width", "1/4", "--remaining", "0.5", "--bits", "4,4,4", "--json");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("vgg11-w0.25 has 9 compressible layers"), r.err());
    }
}
