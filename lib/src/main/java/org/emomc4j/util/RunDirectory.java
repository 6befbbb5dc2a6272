package org.emomc4j.util;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.stream.Stream;

/**
 * A run directory claimed by one long run (training, stage 1, a search, a reproduction): it is
 * locked for the run's lifetime and remembers the run's {@link ResumeKey}.
 *
 * <p>Rules, in the order they are checked:
 * <ol>
 *   <li>Lock: {@value #LOCK} is locked with {@link FileChannel#tryLock()} and holds the holder's
 *       pid, host, command and start time. A second process is refused, naming the holder. The
 *       operating system releases the lock when the process dies, so a killed run never leaves a
 *       stale lock. Within one process a claim is re-entrant for the same key (a reproduction
 *       that trains its baseline claims the run directory once) and refused for another.</li>
 *   <li>Key: {@value #KEY} holds the key the run was started with. Without resume, a directory
 *       that holds a key or any other file is refused (nothing is overwritten); with resume, a
 *       different key is refused, listing every setting that differs. A new directory may hold
 *       symbolic links and nothing else: they adopt runs made elsewhere (a reproduction's
 *       {@code baseline/} trained by hand), which their stages accept only if the linked run's
 *       own key matches.</li>
 * </ol>
 */
public final class RunDirectory implements AutoCloseable {

    public static final String LOCK = ".emomc.lock", KEY = "run-key.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Claims this process holds, by absolute directory: re-entrant for the same key. */
    private static final java.util.Map<Path, Held> HELD = new java.util.HashMap<>();

    private static final class Held {
        final ResumeKey key;
        final FileChannel channel;
        final FileLock lock;
        int count = 1;

        Held(ResumeKey key, FileChannel channel, FileLock lock) {
            this.key = key;
            this.channel = channel;
            this.lock = lock;
        }
    }

    private final Path dir;
    private final Path abs;
    private final boolean resumed;
    private boolean closed;

    private RunDirectory(Path dir, boolean resumed) {
        this.dir = dir;
        this.abs = dir.toAbsolutePath().normalize();
        this.resumed = resumed;
    }

    /**
     * Claims a run directory for a run.
     *
     * @param resume continue the run the directory holds (same key); false: the directory must be new or empty
     * @throws UserError when another process holds it, when it holds another run, or when it holds a run and resume is false
     */
    public static RunDirectory claim(Path dir, ResumeKey key, boolean resume) {
        Path abs = dir.toAbsolutePath().normalize();
        synchronized (HELD) {
            Held held = HELD.get(abs);
            if (held != null) {
                if (!key.differences(held.key).isEmpty())
                    throw new UserError("run directory " + dir + " is in use by another run in this process (" + held.key.command()
                            + "); wait for it to end, or use another directory");
                held.count++;
                return new RunDirectory(dir, true);
            }
            RunDirectory d = claimNew(dir, key, resume);
            return d;
        }
    }

    private static RunDirectory claimNew(Path dir, ResumeKey key, boolean resume) {
        try {
            Files.createDirectories(dir);
            FileChannel ch = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                String holder = holder(ch);
                ch.close();
                throw new UserError("run directory " + dir + " is in use by another run (" + holder + "); wait for it to end, "
                        + "or use another directory");
            }
            try {
                String me = "pid " + ProcessHandle.current().pid() + " on " + host() + ", command " + key.command()
                        + ", since " + Instant.now();
                ch.truncate(0);
                ch.write(ByteBuffer.wrap(me.getBytes(StandardCharsets.UTF_8)), 0);
                ch.force(true);
                Path keyFile = dir.resolve(KEY);
                boolean resumed = false;
                if (Files.exists(keyFile)) {
                    ResumeKey stored = readKey(keyFile);
                    if (!resume)
                        throw new UserError("run directory " + dir + " already holds a " + stored.command() + " run: add --resume to "
                                + "continue it, or choose another directory (nothing was overwritten)");
                    key.requireSameAs(stored, dir);
                    resumed = true;
                } else {
                    if (hasWork(dir))
                        throw new UserError("run directory " + dir + " holds files but no " + KEY + " (a run of an older emomc4j, "
                                + "or something else): its settings cannot be checked, so it is neither resumed nor overwritten; "
                                + "use another directory");
                    AtomicFiles.writeString(keyFile, JSON.writeValueAsString(key.toJson()));
                }
                HELD.put(dir.toAbsolutePath().normalize(), new Held(key, ch, lock));
                return new RunDirectory(dir, resumed);
            } catch (RuntimeException | IOException e) {
                lock.release();
                ch.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot claim run directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The key a run directory was started with, or null when it holds none. */
    public static ResumeKey storedKey(Path dir) {
        Path f = dir.resolve(KEY);
        return Files.exists(f) ? readKey(f) : null;
    }

    private static ResumeKey readKey(Path file) {
        JsonNode n;
        try {
            n = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UserError(file + " is not a readable resume key: " + e.getMessage());
        }
        return ResumeKey.fromJson(n, file);
    }

    /** Anything but the lock and symbolic links (links adopt runs whose own keys are checked where they are used). */
    private static boolean hasWork(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(p -> !p.getFileName().toString().equals(LOCK) && !Files.isSymbolicLink(p));
        }
    }

    private static String holder(FileChannel ch) {
        try {
            ByteBuffer b = ByteBuffer.allocate(1024);
            int n = ch.read(b, 0);
            String s = n <= 0 ? "" : new String(b.array(), 0, n, StandardCharsets.UTF_8).trim();
            return s.isEmpty() ? "holder unknown" : s;
        } catch (IOException e) {
            return "holder unknown: " + e.getMessage();
        }
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown host";
        }
    }

    public Path dir() { return dir; }

    /** True when the directory held this run already (the run continues), false when it was new. */
    public boolean resumed() { return resumed; }

    /** Releases the lock (the lock file stays; its content is stale until the next claim). */
    @Override
    public void close() {
        synchronized (HELD) {
            if (closed) return;
            closed = true;
            Held h = HELD.get(abs);
            if (h == null || --h.count > 0) return;
            HELD.remove(abs);
            try {
                if (h.lock.isValid()) h.lock.release();
                h.channel.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot release the lock of " + dir, e);
            }
        }
    }
}
