package dev.align4j.core.rl.internal;

import dev.align4j.api.TrainablePolicy;
import dev.align4j.api.data.Completion;
import dev.align4j.api.data.Message;
import dev.align4j.api.data.PolicyTokenizer;
import dev.align4j.api.data.Prompt;
import dev.align4j.api.data.Text;
import dev.align4j.core.rl.LogprobMismatchException;
import dev.align4j.core.rl.RlArgs;
import dev.align4j.core.run.Checkpoints;
import dev.align4j.core.train.internal.RunContext;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parts of an RL run that PPO and GRPO share: which prompts iteration {@code i} uses and with which seed it
 * samples (both functions of the seed and {@code i}, so a resumed run sees what an uninterrupted one would), sampling,
 * the log-prob check of every batch, logging and checkpoints through the {@link RunContext}.
 */
public final class OnlineRun {
  private static final Logger LOG = LoggerFactory.getLogger(OnlineRun.class);

  private final String stage;
  private final RlArgs args;
  private final RunContext run;
  private boolean checked;

  public OnlineRun(String stage, RlArgs args, RunContext run) {
    this.stage = stage;
    this.args = args;
    this.run = run;
  }

  /** The run context. */
  public RunContext context() {
    return run;
  }

  /** Indices of the prompts of iteration {@code it} (1-based): epochs over a seeded permutation. */
  public int[] prompts(long it, int promptCount) {
    int perIteration = args.batchSize();
    long perEpoch = Math.max(1, promptCount / perIteration);
    long epoch = (it - 1) / perEpoch;
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < promptCount; i++) {
      order.add(i);
    }
    Collections.shuffle(order, new Random(args.seed() * 1_000_003L + epoch));
    int[] idx = new int[perIteration];
    long start = ((it - 1) % perEpoch) * perIteration;
    for (int i = 0; i < perIteration; i++) {
      idx[i] = order.get((int) ((start + i) % promptCount));
    }
    return idx;
  }

  /** The sampling seed of iteration {@code it}. */
  public long samplingSeed(long it) {
    return args.seed() * 7919L + it;
  }

  /**
   * Samples {@code copies} completions of each prompt of {@code idx} (contiguous per prompt) and lays them out.
   * The trainer then hands its first training forward pass of the batch to {@link #checkLogprobs}.
   */
  public Rollouts sample(TrainablePolicy policy, List<Prompt> prompts, int[] idx, int copies, long it) {
    PolicyTokenizer tokens = policy.tokenizer();
    List<int[]> ids = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    List<List<Message>> messages = new ArrayList<>();
    List<Map<String, String>> fields = new ArrayList<>();
    for (int i : idx) {
      Prompt p = prompts.get(i);
      int[] pid = tokens.prompt(p.prompt());
      String text = p.prompt() instanceof Text.Plain plain ? plain.text() : tokens.decode(pid);
      // The messages travel with the sample: a reward model trained on chat pairs renders them with its own
      // template, not the policy's decoded text, so it scores exactly what it was trained on.
      List<Message> chat = p.prompt() instanceof Text.Chat c ? c.messages() : List.of();
      for (int c = 0; c < copies; c++) {
        ids.add(pid);
        texts.add(text);
        messages.add(chat);
        fields.add(p.fields());
      }
    }
    List<Completion> completions = policy.generate(ids, args.sampling(), samplingSeed(it));
    return Rollouts.of(completions, texts, messages, fields, tokens::decode);
  }

  /**
   * Checks every rollout batch, not only the first: the log-probs recorded while sampling must equal
   * {@code training}, the training forward pass of the same rows under the sampling weights ({@code (B, R)} row-major,
   * as {@link Rollouts#logprobs} lays them out). Trainers pass the forward pass they run anyway (PPO's and GRPO's
   * old log-probs, or GRPO's only mini-batch), so the check costs no extra pass.
   *
   * @throws LogprobMismatchException naming iteration, row and token when they differ by more than the tolerance
   */
  public void checkLogprobs(Rollouts ro, float[] training, long it) {
    double worst;
    try {
      worst = LogprobConsistency.check(ro, training, LogprobConsistency.DEFAULT_TOLERANCE);
    } catch (LogprobMismatchException e) {
      throw new LogprobMismatchException(stage + " iteration " + it + ": " + e.getMessage());
    }
    if (!checked) {
      LOG.info("{}: sampling-time log-probs match the training forward pass (largest difference {}); every"
          + " iteration is checked", stage, String.format("%.2e", worst));
      checked = true;
    } else {
      LOG.debug("{} iteration {}: log-prob check, largest difference {}", stage, it, worst);
    }
  }

  /** Iteration {@code it}'s metrics: logged every {@code logging-steps} and at the end, kept in the history always. */
  public void record(long it, Map<String, Double> values) {
    if (it % args.logEvery() == 0 || it == args.maxSteps()) {
      run.logStep(it, values);
    } else {
      run.keepStep(it, values);
    }
  }

  /** Whether iteration {@code it} writes a checkpoint. */
  public boolean checkpointDue(long it) {
    return (args.saveEvery() > 0 && it % args.saveEvery() == 0) || it == args.maxSteps();
  }

  /** Writes checkpoint {@code it} atomically (nothing without a run folder). */
  public Path checkpoint(long it, Checkpoints.Writer writer) throws IOException {
    return run.saveCheckpoint(it, args.keepCheckpoints(), writer);
  }

  /** After iteration {@code it} (not the last): checkpoints and stops when cancelled or interrupted. */
  public void stopIfCancelled(long it, Checkpoints.Writer writer) throws IOException {
    if (it < args.maxSteps()) {
      run.stopIfCancelled(it, () -> checkpoint(it, writer));
    }
  }
}
