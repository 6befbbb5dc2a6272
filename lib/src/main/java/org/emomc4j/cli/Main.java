package org.emomc4j.cli;

import org.emomc4j.util.UserError;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/**
 * Entry point of {@code ./emomc}. Every command is a thin shell over the library's public API,
 * the same API the notebooks and tests call.
 *
 * <p>Exit codes: 0 success; 2 a user error (unknown option, wrong value, missing or malformed
 * file, a refused resume, a run directory locked by another run): one message that names the
 * input and the fix ({@link UserError}, or picocli's own parameter errors); 1 anything else,
 * which is a bug or a failure of the machine: the message and the stack trace.
 */
@Command(name = "emomc", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Evolutionary multi-objective model compression (EMOMC) of VGG on CIFAR-10.",
        subcommands = {
                DataCommand.class,
                TrainCommand.class,
                EvalCommand.class,
                CostCommand.class,
                ExportCommand.class,
                ImportCommand.class,
                PruneCommand.class,
                SearchCommand.class,
                ReproduceCommand.class,
                FinetuneCommand.class,
                RacingReplayCommand.class,
                ResultsSectionCommand.class,
                TrainingRunsCommand.class,
                AblationCommand.class,
                BenchCommand.class,
                CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {

    /** Exit code for a user error, used by every command. */
    public static final int EXIT_BAD_INPUT = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code (tests call this instead of main). */
    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            PrintWriter err = cmd.getErr();
            if (ex instanceof UserError) {
                err.println("error: " + ex.getMessage());
                err.flush();
                return EXIT_BAD_INPUT;
            }
            err.println("error: " + ex);
            ex.printStackTrace(err);
            err.flush();
            return 1;
        });
        return cl;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[]{"emomc4j " + (v == null ? "0.1.0-SNAPSHOT" : v)};
        }
    }
}
