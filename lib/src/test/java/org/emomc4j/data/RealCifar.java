package org.emomc4j.data;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Tests that need the real CIFAR-10 carry {@code @Tag(RealCifar.TAG)} and call {@link #dir()} first.
 * Without the data they are skipped, unless {@code EMOMC_REQUIRE_CIFAR=1} (set by {@code .ci/run}
 * when the data is there), which turns a missing set into a failure so that CI cannot pass by
 * skipping them. {@code mvn test -Dgroups=cifar} runs only them, {@code -DexcludedGroups=cifar} all others.
 */
public final class RealCifar {

    /** The JUnit tag of tests that read the real data set. */
    public static final String TAG = "cifar";

    private RealCifar() { }

    /** The real data set's directory (as the CLI resolves it), or the test is skipped (failed under EMOMC_REQUIRE_CIFAR=1). */
    public static Path dir() {
        Path dir = DataLocation.resolve(null);
        boolean present = Files.isRegularFile(dir.resolve(Cifar10.TEST_FILE));
        String why = "real CIFAR-10 not present at " + dir + " (set EMOMC_DATA or link datasets/cifar-10-batches-bin)";
        if (!present && "1".equals(System.getenv("EMOMC_REQUIRE_CIFAR"))) Assertions.fail(why + ", but EMOMC_REQUIRE_CIFAR=1");
        Assumptions.assumeTrue(present, why);
        return dir;
    }
}
