package dev.align4j.core.rl;

import dev.align4j.core.runtime.DjlSetup;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.api.data.Completion;
import dev.align4j.api.data.Message;
import dev.align4j.api.data.Text;
import dev.align4j.api.train.StepMetrics;
import dev.align4j.api.train.TrainingListener;
import dev.align4j.core.data.Dataset;
import dev.align4j.core.data.ExampleTokenizer;
import dev.align4j.core.data.PromptExample;
import dev.align4j.core.model.LanguageModel;
import dev.align4j.core.run.Checkpoints;
import dev.align4j.core.run.MetricsLog;
import dev.align4j.core.run.RunFolder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parts of an RL run that PPO and GRPO share: the run folder (config, metrics, checkpoints, resume), which prompts
 * iteration {@code i} uses and with which seed it samples (both functions of the seed and {@code i}, so a resumed run
 * sees what an uninterrupted one would), sampling and scoring, and the one-time log-prob consistency check.
 */
public final class OnlineRun implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OnlineRun.class);

  private final String stage;
  private final RlArgs args;
  private final RunFolder run;
  private final Optional<Path> checkpoint;
  private final MetricsLog metrics;
  private final List<TrainingListener> listeners;
  private final long started = System.nanoTime();
  private boolean checked;

  public OnlineRun(String stage, RlArgs args, RunFolder run, ObjectNode resolvedConfig,
      List<TrainingListener> listeners) throws IOException {
    this.stage = stage;
    this.args = args;
    this.run = run;
    if (args.threads() > 0) {
      DjlSetup.setIntraOpThreads(args.threads());
    }
    this.checkpoint = run.resumeFrom();
    checkpoint.ifPresent(c -> LOG.info("{}: resuming from {}", stage, c));
    run.writeConfig(resolvedConfig);
    this.metrics = run.metrics(stage, checkpoint.map(Checkpoints::stepOf).orElse(0L));
    List<TrainingListener> all = new ArrayList<>(listeners);
    all.add(metrics);
    this.listeners = List.copyOf(all);
  }

  /** The checkpoint to resume from, if any. */
  public Optional<Path> checkpoint() {
    return checkpoint;
  }

  /** The run folder. */
  public RunFolder folder() {
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
  public Rollouts sample(LanguageModel policy, ExampleTokenizer tokens, Dataset<PromptExample> prompts, int[] idx,
      int copies, long it) {
    List<int[]> ids = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    List<List<Message>> messages = new ArrayList<>();
    List<Map<String, String>> fields = new ArrayList<>();
    for (int i : idx) {
      PromptExample p = prompts.examples().get(i);
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

  /** Sends metrics of iteration {@code it} to the listeners and {@code metrics.jsonl}. */
  public void log(long it, Map<String, Double> values) {
    StepMetrics m = new StepMetrics(stage, it, (System.nanoTime() - started) / 1e9, values);
    listeners.forEach(l -> l.onStep(m));
  }

  /** Whether iteration {@code it} writes a checkpoint. */
  public boolean checkpointDue(long it) {
    return (args.saveEvery() > 0 && it % args.saveEvery() == 0) || it == args.maxSteps();
  }

  /** Writes checkpoint {@code it} atomically. */
  public void checkpoint(long it, Checkpoints.Writer writer) throws IOException {
    Path p = run.checkpoints().save(it, args.keepCheckpoints(), writer);
    listeners.forEach(l -> l.onCheckpoint(it, p));
  }

  /** Where the final policy goes. */
  public Path finalModel() {
    return run.finalModel();
  }

  @Override
  public void close() throws IOException {
    listeners.forEach(TrainingListener::onEnd);
    metrics.close();
  }
}
