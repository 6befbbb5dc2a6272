package org.emomc4j.util;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

class RunDirectoryTest {

    @TempDir
    Path tmp;

    static ResumeKey key(double lr) { return ResumeKey.of("stage1", Map.of("lr", lr, "grid", "[0.3, 0.6]")); }

    /** Holds a run directory from another JVM until its stdin closes. */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            try (RunDirectory d = RunDirectory.claim(Path.of(args[0]), key(0.01), false)) {
                System.out.println("claimed");
                System.out.flush();
                while (System.in.read() >= 0) { /* wait for the parent */ }
            }
        }
    }

    /** Starts a second JVM holding {@code dir}; returns once it holds it. */
    static Process holder(Path dir) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Holder.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("claimed", out.readLine(), "the holder process did not start");
        return p;
    }

    @Test
    void aSecondProcessIsRefusedAndTheHolderNamed() throws Exception {
        Path dir = tmp.resolve("run");
        Process p = holder(dir);
        try {
            UserError e = assertThrows(UserError.class, () -> RunDirectory.claim(dir, key(0.01), true));
            assertTrue(e.getMessage().contains("in use by another run") && e.getMessage().contains("pid " + p.pid())
                    && e.getMessage().contains("command stage1"), e.getMessage());
        } finally {
            p.getOutputStream().close();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        }
        // The holder has gone: the lock went with it, and the run can be resumed.
        try (RunDirectory d = RunDirectory.claim(dir, key(0.01), true)) {
            assertTrue(d.resumed());
        }
    }

    @Test
    void aProcessDyingWithTheLockLeavesNoStaleLock() throws Exception {
        Path dir = tmp.resolve("killed");
        Process p = holder(dir);
        p.destroyForcibly();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        try (RunDirectory d = RunDirectory.claim(dir, key(0.01), true)) {
            assertTrue(d.resumed());
        }
    }

    @Test
    void resumeRulesAndTheirMessages() throws Exception {
        Path dir = tmp.resolve("r");
        try (RunDirectory d = RunDirectory.claim(dir, key(0.01), false)) {
            assertFalse(d.resumed());
        }
        assertEquals(key(0.01), RunDirectory.storedKey(dir));
        UserError e = assertThrows(UserError.class, () -> RunDirectory.claim(dir, key(0.01), false));
        assertTrue(e.getMessage().contains("already holds a stage1 run") && e.getMessage().contains("--resume"), e.getMessage());
        e = assertThrows(UserError.class, () -> RunDirectory.claim(dir, key(0.02), true));
        assertTrue(e.getMessage().contains("lr: 0.01 in the run, 0.02 now"), e.getMessage());
        assertFalse(e.getMessage().contains("grid"), "only what differs is listed: " + e.getMessage());
        try (RunDirectory d = RunDirectory.claim(dir, key(0.01), true)) {
            assertTrue(d.resumed());
        }
        // A directory with files but no key is neither resumed nor overwritten.
        Path foreign = tmp.resolve("foreign");
        Files.createDirectories(foreign);
        Files.writeString(foreign.resolve("notes.txt"), "mine");
        e = assertThrows(UserError.class, () -> RunDirectory.claim(foreign, key(0.01), true));
        assertTrue(e.getMessage().contains(RunDirectory.KEY), e.getMessage());
        assertEquals("mine", Files.readString(foreign.resolve("notes.txt")));
    }

    @Test
    void aNewDirectoryHoldingOnlyLinksToOtherRunsIsClaimedAndKeepsThem() throws Exception {
        // How a baseline trained by hand is adopted: reproduce's run directory gets a link baseline -> that run.
        Path made = tmp.resolve("made-by-hand");
        try (RunDirectory d = RunDirectory.claim(made, key(0.03), false)) {
            assertFalse(d.resumed());
        }
        Path dir = tmp.resolve("adopting");
        Files.createDirectories(dir);
        Files.createSymbolicLink(dir.resolve("baseline"), made);
        try (RunDirectory d = RunDirectory.claim(dir, key(0.01), true)) {
            assertFalse(d.resumed(), "a new run, not a resumed one");
        }
        assertEquals(key(0.01), RunDirectory.storedKey(dir));
        assertEquals(key(0.03), RunDirectory.storedKey(dir.resolve("baseline")), "the linked run is left as it was");
        // A link beside a file that is not one is still foreign work.
        Path mixed = tmp.resolve("mixed");
        Files.createDirectories(mixed);
        Files.createSymbolicLink(mixed.resolve("baseline"), made);
        Files.writeString(mixed.resolve("notes.txt"), "mine");
        UserError e = assertThrows(UserError.class, () -> RunDirectory.claim(mixed, key(0.01), true));
        assertTrue(e.getMessage().contains(RunDirectory.KEY), e.getMessage());
    }

    @Test
    void withinOneProcessAClaimIsReentrantForTheSameKeyOnly() {
        Path dir = tmp.resolve("same");
        try (RunDirectory outer = RunDirectory.claim(dir, key(0.01), false)) {
            try (RunDirectory inner = RunDirectory.claim(dir, key(0.01), true)) {
                assertTrue(inner.resumed());
            }
            UserError e = assertThrows(UserError.class, () -> RunDirectory.claim(dir, key(0.5), true));
            assertTrue(e.getMessage().contains("in this process"), e.getMessage());
            // The inner close did not release the outer claim.
            assertThrows(UserError.class, () -> RunDirectory.claim(dir, key(0.5), true));
        }
        try (RunDirectory again = RunDirectory.claim(dir, key(0.01), true)) {
            assertTrue(again.resumed());
        }
    }
}
