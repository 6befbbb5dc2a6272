package org.emomc4j.cli;

import org.emomc4j.data.Cifar10;
import org.emomc4j.data.ImageSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class DataCommandTest {

    @TempDir
    Path tmp;

    /** Runs the CLI capturing stdout and stderr. */
    static String[] run(int[] exit, String... args) {
        PrintStream out = System.out, err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true));
            System.setErr(new PrintStream(e, true));
            var cl = Main.commandLine();
            cl.setOut(new java.io.PrintWriter(System.out, true));
            cl.setErr(new java.io.PrintWriter(System.err, true));
            exit[0] = cl.execute(args);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        return new String[]{o.toString(), e.toString()};
    }

    @Test
    void infoPrintsPerClassCountsPerSplit() throws Exception {
        Path dir = tmp.resolve("c");
        Cifar10.writeDataset(dir, ImageSet.random(200, 1), ImageSet.random(50, 2));
        int[] exit = new int[1];
        String[] out = run(exit, "data", "info", "--data", dir.toString(), "--val-size", "20");
        assertEquals(0, exit[0], out[1]);
        assertTrue(out[0].contains(dir.toAbsolutePath().toString()), out[0]);
        assertTrue(out[0].matches("(?s).*total\\s+180\\s+20\\s+50.*"), out[0]);
        assertTrue(out[0].contains("airplane"));
    }

    @Test
    void infoOnMissingDataExitsTwoWithAdvice() {
        int[] exit = new int[1];
        String[] out = run(exit, "data", "info", "--data", tmp.resolve("missing").toString());
        assertEquals(2, exit[0]);
        assertTrue(out[1].contains("missing"), out[1]);
        assertTrue(out[1].contains("data fetch"), out[1]);
    }

    @Test
    void helpListsCommands() {
        int[] exit = new int[1];
        String[] out = run(exit, "--help");
        assertEquals(0, exit[0]);
        assertTrue(out[0].contains("data"));
        assertTrue(out[0].contains("bench"));
    }
}
