package dev.align4j.core.loop;

import static com.google.common.base.Preconditions.checkNotNull;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.align4j.api.data.CompletionSample;
import dev.align4j.api.data.Demonstration;
import dev.align4j.api.data.PreferencePair;
import dev.align4j.api.data.Prompt;
import dev.align4j.api.data.Text;
import dev.align4j.api.judge.CandidatePair;
import dev.align4j.core.AlignModel;
import dev.align4j.core.runtime.DjlSetup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * The pipeline as a loop (DESIGN.md, "The loop"). Iteration k: (a) fresh prompts from the {@link PromptSource};
 * (b) the current policy samples N completions of each; (c) candidate pairs scored by the current reward ensemble;
 * (d) the {@link Acquisition} picks B of them; (e) the {@link LoopLabeller} labels them; (f) the ensemble is
 * fine-tuned on the new labels plus a replay of the earlier ones (or retrained from SFT); (g) a GRPO pass continues
 * the policy against the refreshed ensemble's conservative reward, leashed to the SFT model; (h) evaluation.
 *
 * <p>Everything lives under {@code OUT}: {@code config.json}, {@code iter-K/} (one file per finished step, see
 * {@code IterationFiles}), {@code loop_metrics.jsonl} (one object per finished iteration, {@code iteration} first)
 * and {@code loop_state.json}. A rerun skips every finished step and resumes a cut reward-model or RL training from
 * its checkpoints; with one intra-op thread it produces the same iteration outputs as an uninterrupted run. A human
 * labeller makes the loop stop with {@link LoopOutcome.LabelsNeeded}; the rerun after the labels are written goes on.
 *
 * <pre>{@code
 * LoopOutcome o = AlignmentLoop.of(LoopConfig.builder().iterations(3).labelsPerIteration(16).build())
 *     .prompts(PromptSource.slices(prompts)).labeller(new LoopLabeller.Human())
 *     .run(sft, RewardEnsemble.of(List.of(rm), new Conservative.Mean()), Path.of("out/loop"));
 * }</pre>
 */
public final class AlignmentLoop {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<LinkedHashMap<String, Object>> METRICS = new TypeReference<>() {};

  private final LoopConfig config;
  private final PromptSource prompts;
  private final LoopLabeller labeller;
  private final List<PreferencePair> heldOutPairs;
  private final List<Demonstration> heldOutDemos;
  private final BiFunction<Prompt, String, Double> gold;

  private AlignmentLoop(LoopConfig config, PromptSource prompts, LoopLabeller labeller,
      List<PreferencePair> heldOutPairs, List<Demonstration> heldOutDemos, BiFunction<Prompt, String, Double> gold) {
    this.config = checkNotNull(config, "config");
    this.prompts = prompts;
    this.labeller = labeller;
    this.heldOutPairs = List.copyOf(heldOutPairs);
    this.heldOutDemos = List.copyOf(heldOutDemos);
    this.gold = gold;
  }

  /** A loop of {@code config}; give it a prompt source and a labeller before running. */
  public static AlignmentLoop of(LoopConfig config) {
    return new AlignmentLoop(config, null, null, List.of(), List.of(), null);
  }

  /** The same loop drawing its prompts from {@code source}. */
  public AlignmentLoop prompts(PromptSource source) {
    return new AlignmentLoop(config, checkNotNull(source, "source"), labeller, heldOutPairs, heldOutDemos, gold);
  }

  /** The same loop with another labeller. */
  public AlignmentLoop labeller(LoopLabeller newLabeller) {
    return new AlignmentLoop(config, prompts, checkNotNull(newLabeller, "labeller"), heldOutPairs, heldOutDemos,
        gold);
  }

  /** Held-out labelled pairs: the reward model's held-out accuracy, and the staleness alarm's baseline. */
  public AlignmentLoop heldOutPairs(List<PreferencePair> pairs) {
    return new AlignmentLoop(config, prompts, labeller, pairs, heldOutDemos, gold);
  }

  /** Held-out demonstrations: the policy's SFT held-out loss drift (forgetting). */
  public AlignmentLoop heldOutDemonstrations(List<Demonstration> demos) {
    return new AlignmentLoop(config, prompts, labeller, heldOutPairs, demos, gold);
  }

  /**
   * A gold scorer (evaluation only, never a training signal): the win-rates against the previous policy and SFT,
   * {@code reward/gold}, and the regression guard, which is off without one.
   */
  public AlignmentLoop gold(BiFunction<Prompt, String, Double> scorer) {
    return new AlignmentLoop(config, prompts, labeller, heldOutPairs, heldOutDemos, checkNotNull(scorer, "gold"));
  }

  /** The configuration. */
  public LoopConfig config() {
    return config;
  }

  PromptSource promptSource() {
    return prompts;
  }

  LoopLabeller labeller() {
    return labeller;
  }

  List<PreferencePair> heldOutPairs() {
    return heldOutPairs;
  }

  List<Demonstration> heldOutDemonstrations() {
    return heldOutDemos;
  }

  BiFunction<Prompt, String, Double> gold() {
    return gold;
  }

  /**
   * Runs (or resumes) the loop in {@code out}.
   *
   * @param sft the SFT model: the first policy and, by default, every RL pass's reference; not changed or closed
   * @param initial the reward ensemble of the first iteration; not changed or closed
   * @param out the loop folder; one holding a loop of another configuration is refused
   * @return {@link LoopOutcome.Finished}, or {@link LoopOutcome.LabelsNeeded} when people must label first
   */
  public LoopOutcome run(AlignModel sft, RewardEnsemble initial, Path out) throws IOException {
    checkNotNull(sft, "sft");
    checkNotNull(initial, "initial");
    if (prompts == null || labeller == null) {
      throw new IllegalStateException("the loop needs a prompt source and a labeller: call prompts(...) and"
          + " labeller(...) before run");
    }
    if (config.rl().rl().threads() > 0) {
      DjlSetup.setIntraOpThreads(config.rl().rl().threads());   // sampling runs before any trainer sets it
    }
    LoopFolder folder = LoopFolder.open(out, settings());
    Path policy = null;
    Path rm = null;
    int spent = 0;
    List<PreferencePair> earlier = new ArrayList<>();
    List<Map<String, Object>> metrics = new ArrayList<>();
    for (int k = 1; k <= config.iterations(); k++) {
      IterationFiles files = folder.iteration(k);
      if (!Files.exists(files.metrics())) {
        try (IterationRun it = new IterationRun(this, k, files, sft, policy, initial, rm, earlier, spent)) {
          LoopOutcome o = it.run();
          if (o != null) {
            return o;
          }
        }
      }
      JsonNode m = LoopFiles.readJson(files.metrics());
      metrics.add(JSON.convertValue(m, METRICS));
      earlier.addAll(pairs(files.readCandidates(files.selected()), files.readLabels()));
      spent = m.get("labels/spent").asInt();
      rm = files.rm();
      if (!m.path("policy/kept_previous").asBoolean(false)) {
        policy = files.policy();
      }
      folder.writeSummary(metrics, k, policy, rm, spent);
    }
    return new LoopOutcome.Finished(Optional.ofNullable(policy), rm, metrics);
  }

  /** What {@code config.json} records, and what a rerun must match. */
  private Map<String, Object> settings() {
    Map<String, Object> m = new LinkedHashMap<>(config.toMap());
    m.put("labeller", labeller.id());
    m.put("heldout-pairs", heldOutPairs.size());
    m.put("heldout-demonstrations", heldOutDemos.size());
    m.put("gold", gold != null);
    return m;
  }

  // ---- shared by the steps -----------------------------------------------------------------------------------------

  /** A seed for step {@code step} of iteration {@code k}: distinct per step and iteration, the same on a rerun. */
  static long seed(long base, int k, int step) {
    return base * 1_000_003L + k * 101L + step;
  }

  /** The labelled pairs as preference pairs, in label order. */
  static List<PreferencePair> pairs(List<Candidate> selected, List<LoopLabel> labels) {
    Map<String, Candidate> byId = IterationRun.byId(selected);
    return labels.stream().map(l -> l.toPair(byId.get(l.id()))).toList();
  }

  /** The ensemble's accuracy on labelled pairs (P(chosen ≻ rejected) &gt; ½; exactly ½ counts half); NaN for none. */
  static double accuracy(RewardEnsemble ensemble, List<PreferencePair> pairs) {
    if (pairs.isEmpty()) {
      return Double.NaN;
    }
    List<CandidatePair> asked = new ArrayList<>();
    for (int i = 0; i < pairs.size(); i++) {
      PreferencePair p = pairs.get(i);
      asked.add(new CandidatePair("heldout-" + i, p.prompt(), content(p.chosen()), content(p.rejected())));
    }
    double sum = 0;
    for (Candidate c : CandidateScoring.score(ensemble, asked)) {
      double q = c.preferenceProbability();
      sum += q == 0.5 ? 0.5 : q > 0.5 ? 1 : 0;
    }
    return sum / pairs.size();
  }

  /** A completion's text: plain text, or the last message's content of a conversational one. */
  static String content(Text t) {
    if (t instanceof Text.Plain p) {
      return p.text();
    }
    List<dev.align4j.api.data.Message> m = ((Text.Chat) t).messages();
    return m.get(m.size() - 1).content();
  }

  /** A completion of {@code prompt} as reward models score it. */
  static CompletionSample sample(Prompt prompt, String completion) {
    String text = prompt.prompt() instanceof Text.Plain p ? p.text() : "";
    List<dev.align4j.api.data.Message> chat = prompt.prompt() instanceof Text.Chat c ? c.messages() : List.of();
    return new CompletionSample(text, completion, prompt.fields(), chat);
  }
}
