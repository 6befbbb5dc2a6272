package org.emomc4j.notebook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A kernel ends when its client is gone: real processes, started under a throw-away parent that
 * the test then kills. The bounds on waiting are generous; they are not speed targets.
 */
class KernelGuardTest {

    /** Generous: the guard checks every second, and a loaded CI machine may be slow to start a JVM. */
    static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    private final List<ProcessHandle> started = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        // never leave a process behind, whatever the test's outcome
        for (ProcessHandle p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    /** Stands in for a kernel busy in a cell: a non-daemon thread computes forever. */
    public static final class BusyKernel {
        public static void main(String[] args) throws Exception {
            Thread work = new Thread(() -> {
                double x = 0;
                while (true) x += Math.sqrt(x + 1) * 1e-9;
            }, "cell");
            work.start();
            System.out.println("ready");
            System.out.flush();
            work.join();
        }
    }

    static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    /** {@code sh -c '"$@" & wait'}: a parent that stays until it is killed, with the command as its child. */
    private Process underThrowAwayParent(List<String> command, Map<String, String> env, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", "\"$@\" & wait", "sh"));
        cmd.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().remove(KernelGuard.PARENT_PID_ENV);
        pb.environment().putAll(env);
        Process p = pb.start();
        started.add(p.toHandle());
        return p;
    }

    static boolean waitFor(BooleanSupplier condition, Duration patience) throws InterruptedException {
        long end = System.nanoTime() + patience.toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) return true;
            Thread.sleep(100);
        }
        return condition.getAsBoolean();
    }

    private ProcessHandle onlyChild(Process parent, Path log) throws InterruptedException {
        assertTrue(waitFor(() -> parent.toHandle().children().findAny().isPresent(), PATIENCE), "the kernel did not start");
        ProcessHandle kernel = parent.toHandle().children().findFirst().orElseThrow();
        started.add(kernel);
        assertTrue(waitFor(() -> readQuietly(log).contains("ready") || !kernel.isAlive(), PATIENCE), "kernel not ready: " + readQuietly(log));
        assertTrue(kernel.isAlive(), "kernel died early: " + readQuietly(log));
        return kernel;
    }

    static String readQuietly(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    private List<String> guardedBusyKernel() {
        return List.of(java(), "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                KernelGuard.class.getName(), BusyKernel.class.getName());
    }

    @Test
    void kernelEndsWhenItsParentIsKilled() throws Exception {
        Path log = tmp.resolve("kernel.log");
        Process parent = underThrowAwayParent(guardedBusyKernel(), Map.of(), log);
        ProcessHandle kernel = onlyChild(parent, log);
        Thread.sleep(1500); // the kernel is busy in its cell
        assertTrue(kernel.isAlive(), "a kernel whose client is alive keeps running: " + readQuietly(log));
        parent.destroyForcibly(); // SIGKILL: nothing of the parent runs any more
        assertTrue(waitFor(() -> !kernel.isAlive(), PATIENCE), "orphaned kernel still running after " + PATIENCE);
        assertTrue(readQuietly(log).contains("ending the kernel"), readQuietly(log));
    }

    @Test
    void kernelEndsWhenTheJupyterProcessNamedByJpyParentPidDies() throws Exception {
        Process client = new ProcessBuilder("sleep", "600").start();
        started.add(client.toHandle());
        Path log = tmp.resolve("kernel.log");
        Process parent = underThrowAwayParent(guardedBusyKernel(),
                Map.of(KernelGuard.PARENT_PID_ENV, Long.toString(client.pid())), log);
        ProcessHandle kernel = onlyChild(parent, log);
        client.destroyForcibly();
        assertTrue(waitFor(() -> !kernel.isAlive(), PATIENCE), "kernel outlived its client");
        assertTrue(parent.isAlive() || parent.exitValue() == 0, "the launching shell was not the one killed");
    }

    @Test
    void clientsAreJpyParentPidAndTheParent() {
        ProcessHandle self = ProcessHandle.current();
        List<ProcessHandle> c = KernelGuard.clients(Map.of(KernelGuard.PARENT_PID_ENV, Long.toString(self.pid())));
        assertEquals(self.pid(), c.get(0).pid());
        assertEquals(self.parent().map(ProcessHandle::pid).orElseThrow(), c.get(c.size() - 1).pid());
        List<ProcessHandle> bad = KernelGuard.clients(Map.of(KernelGuard.PARENT_PID_ENV, "not-a-pid"));
        assertTrue(bad.stream().noneMatch(p -> p.pid() == self.pid()));
    }

    /** The kernelspec {@code ./emomc notebook setup} wrote, if any. */
    static Optional<Path> installedKernelSpec() {
        String data = System.getenv("JUPYTER_DATA_DIR");
        if (data == null) {
            String xdg = System.getenv("XDG_DATA_HOME");
            data = (xdg != null ? xdg : System.getProperty("user.home") + "/.local/share") + "/jupyter";
        }
        Path spec = Path.of(data, "kernels", "emomc-java", "kernel.json");
        return Files.isRegularFile(spec) ? Optional.of(spec) : Optional.empty();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /**
     * The real kernel (supervisor JVM and rapaio kernel JVM) from the installed kernelspec: killing
     * its launching process ends both. Skipped without {@code ./emomc notebook setup}; failed
     * instead under {@code EMOMC_REQUIRE_KERNEL=1} (CI, after setup).
     */
    @Test
    void realKernelEndsWhenItsParentIsKilled() throws Exception {
        Optional<Path> spec = installedKernelSpec();
        if (spec.isEmpty() && "1".equals(System.getenv("EMOMC_REQUIRE_KERNEL")))
            Assertions.fail("no emomc-java kernelspec although EMOMC_REQUIRE_KERNEL=1: run ./emomc notebook setup");
        Assumptions.assumeTrue(spec.isPresent(), "no emomc-java kernelspec: run ./emomc notebook setup");
        Path conn = tmp.resolve("kernel-test.json");
        Files.writeString(conn, "{\"shell_port\": " + freePort() + ", \"iopub_port\": " + freePort()
                + ", \"stdin_port\": " + freePort() + ", \"control_port\": " + freePort() + ", \"hb_port\": " + freePort()
                + ", \"ip\": \"127.0.0.1\", \"key\": \"test-key\", \"transport\": \"tcp\","
                + " \"signature_scheme\": \"hmac-sha256\", \"kernel_name\": \"emomc-java\"}");
        JsonNode argv = new ObjectMapper().readTree(spec.get().toFile()).get("argv");
        List<String> cmd = new ArrayList<>();
        for (JsonNode a : argv) cmd.add(a.asText().replace("{connection_file}", conn.toString()));
        Path log = tmp.resolve("kernel.log");
        Process parent = underThrowAwayParent(cmd, Map.of(), log);
        assertTrue(waitFor(() -> parent.toHandle().children().findAny().isPresent(), PATIENCE), "kernel did not start");
        ProcessHandle supervisor = parent.toHandle().children().findFirst().orElseThrow();
        started.add(supervisor);
        // the supervisor starts the kernel JVM proper as its child
        assertTrue(waitFor(() -> supervisor.children().findAny().isPresent(), PATIENCE),
                "the supervisor started no kernel JVM: " + readQuietly(log));
        ProcessHandle kernel = supervisor.children().findFirst().orElseThrow();
        started.add(kernel);
        Thread.sleep(2000); // let it bind its sockets and settle
        assertTrue(kernel.isAlive() && supervisor.isAlive(), "kernel ended with its client alive: " + readQuietly(log));
        parent.destroyForcibly();
        assertTrue(waitFor(() -> !supervisor.isAlive() && !kernel.isAlive(), PATIENCE),
                "kernel still running after its client died (supervisor alive " + supervisor.isAlive()
                        + ", kernel alive " + kernel.isAlive() + "): " + readQuietly(log));
    }
}
