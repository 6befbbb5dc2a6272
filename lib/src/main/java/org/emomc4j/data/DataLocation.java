package org.emomc4j.data;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where CIFAR-10 lives: {@code --data DIR}, else the {@code EMOMC_DATA} environment variable,
 * else {@code datasets/cifar-10-batches-bin} of the project (found from {@code EMOMC_HOME}, set
 * by the launcher, or by walking up from the working directory, so notebooks in
 * {@code notebooks/} find it too).
 */
public final class DataLocation {

    /** The project-relative default directory. */
    public static final String DEFAULT_RELATIVE = "datasets/cifar-10-batches-bin";

    private DataLocation() { }

    /**
     * @param explicit the {@code --data} value, or null
     * @return the directory to read (it may not exist; the loader says so then)
     */
    public static Path resolve(Path explicit) {
        if (explicit != null) return explicit;
        String env = System.getenv("EMOMC_DATA");
        if (env != null && !env.isBlank()) return Path.of(env);
        String home = System.getenv("EMOMC_HOME");
        if (home != null && !home.isBlank()) return Path.of(home).resolve(DEFAULT_RELATIVE);
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            Path candidate = p.resolve(DEFAULT_RELATIVE);
            if (Files.isDirectory(candidate)) return candidate;
        }
        return dir.resolve(DEFAULT_RELATIVE);
    }

    /** Human description of which rule chose the directory, for {@code data info}. */
    public static String describe(Path explicit) {
        if (explicit != null) return "--data";
        String env = System.getenv("EMOMC_DATA");
        if (env != null && !env.isBlank()) return "EMOMC_DATA";
        return "default (" + DEFAULT_RELATIVE + ")";
    }
}
