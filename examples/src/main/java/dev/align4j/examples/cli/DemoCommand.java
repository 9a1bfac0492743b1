package dev.align4j.examples.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code align demo}: the whole pipeline on the built-in task. Lands with the demo issue. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run the whole pipeline (data, SFT, reward model, PPO, GRPO, DPO, evaluations) on the built-in task.")
final class DemoCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("align demo: not built yet. The pipeline stages land first (issues: models, offline stages,"
        + " online RL); until then try 'align conformance ../shared/conformance/*.jsonl'.");
    return Align.CHECK_FAILED;
  }
}
