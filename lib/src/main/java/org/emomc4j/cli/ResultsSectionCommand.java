package org.emomc4j.cli;

import org.emomc4j.report.ResultsSection;
import org.emomc4j.util.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code emomc results-section}: the README's results section of a finished reproduction ({@link ResultsSection}). */
@Command(name = "results-section", mixinStandardHelpOptions = true,
        description = {"Prints the README's results section of a finished reproduction (Tables II and III beside the paper,",
                "Fig. 3, the fronts, Fig. 7, wall times) from its report files, or writes it into the README between its markers."})
public final class ResultsSectionCommand implements Callable<Integer> {

    @Parameters(paramLabel = "PROFILE", description = "The profile whose committed results it reads: results/PROFILE, figures/PROFILE.")
    String profile;

    @Option(names = "--run", paramLabel = "DIR", description = "Another run directory (default: results/PROFILE).")
    Path run;

    @Option(names = "--readme", paramLabel = "FILE", description = "Write the section into this README between its markers instead of printing it.")
    Path readme;

    @Override
    public Integer call() throws Exception {
        Path home = ReproduceCommand.home();
        String section = ResultsSection.markdown(run != null ? run : home.resolve("results").resolve(profile),
                run != null ? run.toString() : "results/" + profile, "figures/" + profile);
        if (readme == null) {
            System.out.print(section);
            return 0;
        }
        AtomicFiles.writeString(readme, ResultsSection.replaceBlock(Files.readString(readme), profile, section));
        System.out.println("wrote the " + profile + " results section into " + readme);
        return 0;
    }
}
