import org.emomc4j.notebook.KernelGuard;
import org.rapaio.jupyter.kernel.MainApp;
import org.rapaio.jupyter.kernel.channels.Channels;
import org.rapaio.jupyter.kernel.core.ConnectionProperties;
import org.rapaio.jupyter.kernel.core.Transform;
import org.rapaio.org.zeromq.SocketType;
import org.rapaio.org.zeromq.ZMQ;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.LogManager;

/**
 * Starts the rapaio Java kernel (io.github.padreati:rapaio-jupyter-kernel 3.0.1) robustly.
 * Compiled by {@code ./emomc notebook setup} into the kernelspec; not part of the library.
 *
 * <p>rapaio 3.0.1 loses some kernel starts here (about 1 in 5 under nbconvert): (1) it starts
 * its shell thread before it fills its table of message handlers, so an early
 * {@code kernel_info_request} hits a null table and kills the thread; (2) now and then its shell
 * socket never delivers a message at all. Either way the client waits 60 s and gives up. So:
 * <ul>
 *   <li>{@code EmomcKernel <connection file> [child JVM options]} is a small supervisor that runs
 *       the real kernel as a child JVM and starts a new one (same ports) when the child reports
 *       a dead shell channel or channels it could not open (exit code 75), up to 5 times; the client simply
 *       keeps asking.</li>
 *   <li>{@code EmomcKernel --child <connection file>} runs rapaio's kernel like its MainApp, with
 *       a handler table in front of rapaio's whose lookups wait until the real table is ready
 *       (fixes 1) and which notes that the shell delivered a message. If none arrived, it sends
 *       itself a signed {@code kernel_info_request} on the shell port and exits with 75 when
 *       still nothing arrives within a few seconds (detects 2). A kernel whose shell delivered
 *       anything is never restarted.</li>
 * </ul>
 * Both JVMs end when their client is gone ({@code org.emomc4j.notebook.KernelGuard}, compiled in
 * beside this file): the supervisor when the Jupyter process that launched it ({@code JPY_PARENT_PID})
 * or its parent dies, then it kills the child; the child also when the supervisor dies, so a
 * cell that is still training stops with its client.
 */
public final class EmomcKernel {
    static final int RESTART = 75;

    public static void main(String[] args) throws Exception {
        if (args.length >= 2 && args[0].equals("--child")) {
            child(args[1]);
        } else if (args.length >= 1) {
            System.exit(supervise(args[0], Arrays.copyOfRange(args, 1, args.length)));
        } else {
            throw new IllegalArgumentException("usage: EmomcKernel <connection file> [child JVM options]");
        }
    }

    static int supervise(String connectionFile, String[] jvmOptions) throws Exception {
        AtomicReference<Process> current = new AtomicReference<>();
        KernelGuard.exitWhenClientGone("EmomcKernel", () -> {
            Process p = current.get();
            if (p != null) p.destroyForcibly();
        });
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java));
        cmd.addAll(List.of(jvmOptions));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), EmomcKernel.class.getName(), "--child", connectionFile));
        for (int attempt = 1; ; attempt++) {
            Process p = new ProcessBuilder(cmd).inheritIO().start();
            current.set(p);
            Thread hook = new Thread(p::destroy);
            Runtime.getRuntime().addShutdownHook(hook);
            int code = p.waitFor();
            Runtime.getRuntime().removeShutdownHook(hook);
            if (code != RESTART || attempt == 5) return code;
            System.err.println("EmomcKernel: the kernel's shell channel did not answer; starting it again (attempt " + (attempt + 1) + ")");
        }
    }

    static void child(String connectionFile) throws Exception {
        KernelGuard.exitWhenClientGone("EmomcKernel (kernel)", null);
        LogManager.getLogManager().readConfiguration(MainApp.class.getClassLoader().getResourceAsStream("logging.properties"));
        ConnectionProperties props = Transform.fromJson(Files.readString(Path.of(connectionFile)), ConnectionProperties.class);
        Channels channels = new Channels(props);
        Field handlers = Channels.class.getDeclaredField("handlers");
        handlers.setAccessible(true);
        CountDownLatch ready = new CountDownLatch(1);
        AtomicBoolean seen = new AtomicBoolean();
        AtomicReference<Map<?, ?>> table = new AtomicReference<>();
        // Every shell/control lookup goes through this table: it waits for the real one, and it
        // records that the shell delivered a message (then the self-check has nothing to do).
        Map<Object, Object> gate = new AbstractMap<>() {
            @Override
            public Object get(Object key) {
                seen.set(true);
                try {
                    ready.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return table.get().get(key);
            }

            @Override
            public Set<Entry<Object, Object>> entrySet() { return Set.of(); }
        };
        handlers.set(channels, gate);
        try {
            channels.connect(MainApp.kernel);
        } catch (RuntimeException | Error e) {
            // Nothing reached this kernel yet (e.g. a port still held by a kernel that is ending): the
            // supervisor starts it again on the same ports a second later, as for a dead shell channel.
            System.err.println("EmomcKernel: the kernel could not open its channels (" + e + "); starting it again");
            Thread.sleep(1000);
            Runtime.getRuntime().halt(RESTART);
        }
        table.set((Map<?, ?>) handlers.get(channels));
        handlers.set(channels, gate);
        ready.countDown();
        Thread check = new Thread(() -> {
            if (!seen.get() && !shellAnswers(props, seen)) {
                System.err.println("EmomcKernel: no kernel_info_reply on the shell channel");
                Runtime.getRuntime().halt(RESTART);
            }
        }, "shell-self-check");
        check.setDaemon(true);
        check.start();
        channels.joinUntilClose();
    }

    /** Sends a signed kernel_info_request to our own shell socket; true when a reply comes. */
    static boolean shellAnswers(ConnectionProperties props, AtomicBoolean seen) {
        ZMQ.Context ctx = ZMQ.context(1);
        ZMQ.Socket s = ctx.socket(SocketType.DEALER);
        try {
            s.setLinger(0);
            s.setReceiveTimeOut(200);
            s.connect(props.formatAddress(props.shellPort()));
            for (int attempt = 0; attempt < 4; attempt++) {
                String header = "{\"msg_id\":\"" + UUID.randomUUID() + "\",\"session\":\"emomc-self-check\",\"username\":\"emomc\","
                        + "\"date\":\"" + java.time.Instant.now() + "\",\"msg_type\":\"kernel_info_request\",\"version\":\"5.3\"}";
                String[] parts = {header, "{}", "{}", "{}"};
                s.sendMore("<IDS|MSG>");
                s.sendMore(sign(props, parts));
                for (int i = 0; i < 3; i++) s.sendMore(parts[i]);
                s.send(parts[3]);
                long end = System.currentTimeMillis() + 1000;
                while (System.currentTimeMillis() < end) {
                    if (seen.get()) return true; // a client got through: the shell works, maybe busy running its cell
                    byte[] frame = s.recv();
                    if (frame == null) continue;
                    if (new String(frame, StandardCharsets.UTF_8).contains("kernel_info_reply")) return true;
                }
            }
            return false;
        } catch (RuntimeException e) {
            return true; // a broken self-check must not take a working kernel down
        } finally {
            s.close();
            ctx.term();
        }
    }

    static String sign(ConnectionProperties props, String[] parts) {
        if (props.key() == null || props.key().isEmpty()) return "";
        try {
            String scheme = props.signatureScheme();  // e.g. hmac-sha256
            String algorithm = "Hmac" + scheme.substring(scheme.indexOf('-') + 1).toUpperCase(java.util.Locale.ROOT);
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(props.key().getBytes(StandardCharsets.UTF_8), algorithm));
            for (String p : parts) mac.update(p.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(mac.doFinal());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
