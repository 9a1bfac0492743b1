package dev.align4j.examples.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code align}: the command-line entry point. Commands whose output is data print only that data on stdout; logs and
 * progress go to stderr. Exit status: 0 success, 1 a check failed, 2 bad usage or bad input.
 */
@Command(name = "align", mixinStandardHelpOptions = true, versionProvider = Align.Version.class,
    description = "The LLM alignment pipeline (SFT, reward model, PPO, GRPO, DPO) inside a JVM.",
    subcommands = {ConformanceCommand.class, LogprobsCommand.class, GenerateCommand.class,
        ChatTemplateCommand.class, TrainSpeedCommand.class, DemoCommand.class, CommandLine.HelpCommand.class})
public final class Align implements Runnable {
  /** Exit status when a check fails. */
  public static final int CHECK_FAILED = 1;
  /** Exit status for bad usage or bad input. */
  public static final int BAD_INPUT = 2;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.err);
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }

  /** Runs the command line and returns the exit status. */
  public static int execute(String... args) {
    return new CommandLine(new Align())
        .setExitCodeExceptionMapper(e -> BAD_INPUT)
        .setParameterExceptionHandler((ex, argv) -> {
          ex.getCommandLine().getErr().println("align: " + ex.getMessage());
          ex.getCommandLine().getErr().println("Run 'align " + ex.getCommandLine().getCommandName()
              + " --help' for the options.");
          return BAD_INPUT;
        })
        .execute(args);
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** The version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Align.class.getPackage().getImplementationVersion();
      return new String[] {"align4j " + (v == null ? "(development build)" : v)};
    }
  }
}
