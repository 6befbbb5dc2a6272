package org.emomc4j;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** The import graph has no cycle between the search and the report: metrics sit below both. */
class PackageGraphTest {

    static final Path MAIN = Path.of("src/main/java/org/emomc4j");

    /** Source files of a package that mention another of the toolkit's packages. */
    static List<String> mentions(String pkg, String other) throws IOException {
        try (Stream<Path> s = Files.walk(MAIN.resolve(pkg))) {
            return s.filter(p -> p.toString().endsWith(".java")).filter(p -> {
                try {
                    return Files.readString(p).contains("org.emomc4j." + other);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).map(Path::toString).toList();
        }
    }

    @Test
    void searchDoesNotDependOnReportAndMetricsDependOnNeither() throws IOException {
        assertTrue(Files.isDirectory(MAIN), "run from lib/ (Maven's working directory): " + MAIN.toAbsolutePath());
        assertEquals(List.of(), mentions("search", "report."));
        assertEquals(List.of(), mentions("metrics", "search."));
        assertEquals(List.of(), mentions("metrics", "report."));
        assertFalse(mentions("report", "metrics.").isEmpty(), "the report draws the metrics");
    }

    @Test
    void noJavaDeserializationInTheLibrary() throws IOException {
        try (Stream<Path> s = Files.walk(MAIN)) {
            List<String> readers = s.filter(p -> p.toString().endsWith(".java")).filter(p -> {
                try {
                    return Files.readString(p).contains("ObjectInputStream");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).map(Path::toString).toList();
            assertEquals(List.of(), readers, "files a user receives are data, never deserialized");
        }
    }
}
