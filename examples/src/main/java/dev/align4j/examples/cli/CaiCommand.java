package dev.align4j.examples.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code align cai revise|label}: Constitutional AI's two phases on files. {@code revise} turns answers into
 * critique-revised SFT targets; {@code label} turns answer pairs into soft preference labels from a judge asked about
 * the constitution's principles. Both keep every chat reply in {@code OUT/chat-cache.jsonl}, so rerunning a command
 * on the same {@code OUT} resumes it, or rewrites the same outputs, without repeating a call.
 */
@Command(name = "cai", mixinStandardHelpOptions = true,
    description = "Constitutional AI: critique-revision SFT targets (revise) and AI preference labels (label).",
    subcommands = {CaiReviseCommand.class, CaiLabelCommand.class})
final class CaiCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.err);
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: revise or label");
  }
}
