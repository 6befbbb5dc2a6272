package org.emomc4j.report;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** The README's results sections are what the committed runs' report files give (no number typed by hand). */
class ReadmeResultsTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    /** Every committed run with a report (quick, and full once it is committed) has its section, up to date. */
    @Test
    void everyCommittedRunsSectionMatchesIt() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"));
        assertTrue(Files.isDirectory(ROOT.resolve("results/quick/report")), "the quick run is committed");
        for (String profile : java.util.List.of("quick", "full")) {
            if (!Files.isDirectory(ROOT.resolve("results/" + profile + "/report"))) continue;
            String block = ResultsSection.block(readme, profile);
            assertNotNull(block, "README.md has no " + ResultsSection.begin(profile) + " block: add the markers and run "
                    + "./emomc results-section " + profile + " --readme README.md");
            assertEquals(ResultsSection.markdown(ROOT.resolve("results/" + profile), "results/" + profile, "figures/" + profile), block,
                    "README.md's " + profile + " results are stale: run ./emomc results-section " + profile + " --readme README.md");
        }
    }

    /** The section quotes the committed tables' cells (a number that could be mistyped) and the paper's row beside them. */
    @Test
    void sectionCarriesTheTablesAndThePaper() throws Exception {
        String s = ResultsSection.markdown(ROOT.resolve("results/quick"), "results/quick", "figures/quick");
        String t2 = Files.readAllLines(ROOT.resolve("results/quick/report/table2-energy.csv")).get(1);
        String energy = t2.split(",")[3];   // X|Y at 0.3 %: energy_mJ
        assertTrue(s.contains(String.format(java.util.Locale.ROOT, "%.3g mJ", Double.parseDouble(energy))), s);
        assertTrue(s.contains("1.7 mJ, 14.0x"), "the paper's X|Y cell");
        assertTrue(s.contains("9.8 MB, 6.1x"), "the paper's dense cell");
        assertTrue(s.contains("multi-step") && s.contains("single-step"), "Fig. 3's arms");
        assertTrue(s.contains("on the same 10,000 test images"), "quick re-scores on the whole test split");
        assertThrows(org.emomc4j.util.UserError.class, () -> ResultsSection.replaceBlock("no markers", "quick", s));
    }
}
