package dev.align4j.examples.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code align}: the command-line entry point. Commands whose output is data print only that data on stdout; logs and
 * progress go to stderr. Exit status: 0 success, 1 a check failed, 2 bad usage or bad input, 3 {@code align loop}
 * waits for human labels.
 */
@Command(name = "align", mixinStandardHelpOptions = true, versionProvider = Align.Version.class,
    description = "The LLM alignment pipeline (SFT, reward model, PPO, GRPO, DPO, Constitutional AI) inside a JVM.",
    subcommands = {ConformanceCommand.class, LogprobsCommand.class, GenerateCommand.class,
        ChatTemplateCommand.class, SftCommand.class, RewardModelCommand.class, DpoCommand.class, PpoCommand.class,
        GrpoCommand.class, LoopCommand.class, CaiCommand.class, TrainSpeedCommand.class, DemoCommand.class, ServeCommand.class,
        VerifyRunCommand.class, MergeAdapterCommand.class,
        CommandLine.HelpCommand.class})
public final class Align implements Runnable {
  /** Exit status when a check fails. */
  public static final int CHECK_FAILED = 1;
  /** Exit status for bad usage or bad input. */
  public static final int BAD_INPUT = 2;
  /** Exit status of {@code align loop} when people must label pairs before it can go on. */
  public static final int LABELS_NEEDED = 3;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.err);
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }

  /** Runs the command line and returns the exit status. */
  public static int execute(String... args) {
    ConfigFile config;
    try {
      config = ConfigFile.fromArgs(args);
    } catch (java.io.IOException e) {
      System.err.println("align: " + e.getMessage());
      return BAD_INPUT;
    }
    CommandLine cl = new CommandLine(new Align());
    cl.setDefaultValueProvider(new ConfigMapping.BuilderDefaults(config));
    if (config != null) {
      cl.setExecutionStrategy(parsed -> {
        config.checkKeys(parsed.asCommandLineList().get(parsed.asCommandLineList().size() - 1).getCommandSpec());
        return new CommandLine.RunLast().execute(parsed);
      });
    }
    return cl
        .setExitCodeExceptionMapper(e -> BAD_INPUT)
        .setExecutionExceptionHandler(Align::handleFailure)
        .setParameterExceptionHandler((ex, argv) -> {
          ex.getCommandLine().getErr().println("align: " + ex.getMessage());
          ex.getCommandLine().getErr().println("Run 'align " + ex.getCommandLine().getCommandName()
              + " --help' for the options.");
          return BAD_INPUT;
        })
        .execute(args);
  }

  /**
   * Bad input (a data line, a config value, a model folder) is reported in one line with exit status 2; anything
   * else is a bug and keeps its stack trace.
   */
  private static int handleFailure(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
    Throwable t = e;
    if (t instanceof java.io.UncheckedIOException u) {
      t = u.getCause();
    }
    if (t instanceof IllegalArgumentException || t instanceof java.io.IOException
        || t instanceof dev.align4j.core.data.DataFileException) {
      cl.getErr().println("align " + cl.getCommandName() + ": " + t.getMessage());
      return BAD_INPUT;
    }
    if (t instanceof dev.align4j.core.chatmodel.RequestBudgetExhaustedException) {
      cl.getErr().println("align " + cl.getCommandName() + ": " + t.getMessage());
      cl.getErr().println("align " + cl.getCommandName() + ": every reply received so far is cached in the output"
          + " folder; rerun the same command (with a larger --request-budget) to go on without repeating a call");
      return CHECK_FAILED;
    }
    if (t instanceof dev.align4j.core.train.NonFiniteException) {
      cl.getErr().println("align " + cl.getCommandName() + ": " + t.getMessage());
      return CHECK_FAILED;
    }
    cl.getErr().println("align " + cl.getCommandName() + ": unexpected failure (a bug; please report it with the"
        + " command line):");
    e.printStackTrace(cl.getErr());
    return CHECK_FAILED;
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
