package org.emomc4j.notebook;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Ends a notebook kernel whose client has gone, as ipykernel's parent poller does: the Java
 * kernel that runs the paper's notebooks must not go on training (and writing into a run
 * directory) for minutes after the process that started it died.
 *
 * <p>The client is the process named by {@code JPY_PARENT_PID} (jupyter_client sets it to the
 * pid of the process that launches a kernel) and the kernel JVM's own parent; a kernel started
 * through a supervisor JVM also watches that supervisor. When any watched process is gone, the
 * kernel JVM exits, which ends whatever cell it was running. Processes are compared by
 * {@link ProcessHandle} (pid and start time), so a recycled pid does not count as the client.
 *
 * <p>Self-contained on purpose (JDK classes only): {@code ./emomc notebook setup} compiles it
 * into the kernel launcher beside {@code notebooks/tools/kernel/EmomcKernel.java}, which runs
 * without the library on its class path. It can also wrap any kernel main class:
 * {@code java -cp ... org.emomc4j.notebook.KernelGuard org.rapaio.jupyter.kernel.MainApp <args>}.
 */
public final class KernelGuard {

    /** Environment variable jupyter_client sets to the pid of the process that launched the kernel. */
    public static final String PARENT_PID_ENV = "JPY_PARENT_PID";
    /** How often the watched processes are checked. */
    public static final Duration PERIOD = Duration.ofSeconds(1);
    /** How long a normal JVM exit (shutdown hooks) may take before the JVM is halted. */
    public static final Duration EXIT_GRACE = Duration.ofSeconds(5);
    /** Exit status of a kernel ended because its client is gone. */
    public static final int EXIT_ORPHANED = 3;

    private KernelGuard() { }

    /**
     * The processes whose end must end this kernel: the one {@code JPY_PARENT_PID} names (when set
     * to a live process) and this JVM's parent. Empty when neither is known (then nothing is watched).
     */
    public static List<ProcessHandle> clients(Map<String, String> env) {
        List<ProcessHandle> out = new ArrayList<>();
        String pid = env.get(PARENT_PID_ENV);
        if (pid != null && !pid.isBlank()) {
            try {
                ProcessHandle.of(Long.parseLong(pid.trim())).filter(ProcessHandle::isAlive).ifPresent(out::add);
            } catch (NumberFormatException e) {
                System.err.println("KernelGuard: ignoring " + PARENT_PID_ENV + "='" + pid + "' (not a pid)");
            }
        }
        Optional<ProcessHandle> parent = ProcessHandle.current().parent();
        // pid 1 is init or a container's reaper: a kernel whose parent is already gone was adopted by it
        parent.filter(p -> p.pid() != 1 && !out.contains(p)).ifPresent(out::add);
        return out;
    }

    /**
     * Starts a daemon thread that checks {@code watched} every {@code period} and, once one of
     * them is gone, runs {@code onGone} with a description of it (once).
     */
    public static Thread watch(List<ProcessHandle> watched, Duration period, java.util.function.Consumer<String> onGone) {
        List<ProcessHandle> copy = List.copyOf(watched);
        Thread t = new Thread(() -> {
            while (true) {
                for (ProcessHandle p : copy) {
                    if (!p.isAlive()) {
                        onGone.accept("process " + p.pid() + " is gone");
                        return;
                    }
                }
                try {
                    Thread.sleep(period.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "kernel-guard");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /**
     * Watches this JVM's clients ({@link #clients}) and ends the JVM when one is gone: runs
     * {@code beforeExit} (e.g. stop a child process), then {@link System#exit}, halting if
     * shutdown hooks take longer than {@link #EXIT_GRACE}.
     *
     * @param who        name used in the message printed on standard error
     * @param beforeExit run first, may be null
     * @return the processes watched
     */
    public static List<ProcessHandle> exitWhenClientGone(String who, Runnable beforeExit) {
        List<ProcessHandle> clients = clients(System.getenv());
        if (clients.isEmpty()) return clients;
        watch(clients, PERIOD, why -> {
            System.err.println(who + ": client " + why + "; ending the kernel and its running work");
            if (beforeExit != null) {
                try {
                    beforeExit.run();
                } catch (RuntimeException e) {
                    e.printStackTrace();
                }
            }
            Thread halt = new Thread(() -> {
                try {
                    Thread.sleep(EXIT_GRACE.toMillis());
                } catch (InterruptedException ignored) {
                    // halt now
                }
                Runtime.getRuntime().halt(EXIT_ORPHANED);
            }, "kernel-guard-halt");
            halt.setDaemon(true);
            halt.start();
            System.exit(EXIT_ORPHANED);
        });
        return clients;
    }

    /**
     * {@code KernelGuard <main class> [args]}: watches the clients, then runs the kernel's main
     * class with the remaining arguments.
     */
    public static void main(String[] args) throws Throwable {
        if (args.length < 1) {
            System.err.println("usage: KernelGuard <kernel main class> [arguments]");
            System.exit(2);
        }
        exitWhenClientGone("KernelGuard", null);
        Method main = Class.forName(args[0]).getMethod("main", String[].class);
        try {
            main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
