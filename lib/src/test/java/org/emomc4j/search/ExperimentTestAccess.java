package org.emomc4j.search;

import java.io.IOException;
import java.nio.file.Path;

/** Test fixtures of this package for tests elsewhere. */
public final class ExperimentTestAccess {
    private ExperimentTestAccess() { }

    public static Path smallCifar(Path dir) throws IOException { return ExperimentTest.smallCifar(dir); }
}
