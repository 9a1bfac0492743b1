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
 * the policy against the refreshed ensemble's conservative reward, leashed to the SFT model; (h) evaluation, and every
 * {@link LoopConfig#sftEvery M} iterations an SFT refresh on fresh demonstrations ({@link #demonstrations}), which
 * becomes the reference of the iterations after it.
 *
 * <p>Everything lives under {@code OUT}: {@code config.json}, {@code iter-K/} (one file per finished step, see
 * {@code IterationFiles}; the iteration's policy is {@code iter-K/policy}, its reward-model members {@code
 * iter-K/rm/member-0, …} ({@link RewardEnsemble#load}), a refreshed SFT model {@code iter-K/sft}), {@code
 * loop_metrics.jsonl} (one object per finished iteration, {@code iteration} first) and {@code loop_state.json}. A
 * rerun skips every finished step and resumes a cut reward-model, RL or SFT training from its checkpoints; with one intra-op thread it produces the same iteration outputs as an uninterrupted run. A human
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
  private final DemonstrationSource demonstrations;

  private AlignmentLoop(LoopConfig config, PromptSource prompts, LoopLabeller labeller,
      List<PreferencePair> heldOutPairs, List<Demonstration> heldOutDemos, BiFunction<Prompt, String, Double> gold,
      DemonstrationSource demonstrations) {
    this.config = checkNotNull(config, "config");
    this.prompts = prompts;
    this.labeller = labeller;
    this.heldOutPairs = List.copyOf(heldOutPairs);
    this.heldOutDemos = List.copyOf(heldOutDemos);
    this.gold = gold;
    this.demonstrations = demonstrations;
  }

  /** A loop of {@code config}; give it a prompt source and a labeller before running. */
  public static AlignmentLoop of(LoopConfig config) {
    return new AlignmentLoop(config, null, null, List.of(), List.of(), null, null);
  }

  /** The same loop drawing its prompts from {@code source}. */
  public AlignmentLoop prompts(PromptSource source) {
    return new AlignmentLoop(config, checkNotNull(source, "source"), labeller, heldOutPairs, heldOutDemos, gold,
        demonstrations);
  }

  /** The same loop with another labeller. */
  public AlignmentLoop labeller(LoopLabeller newLabeller) {
    return new AlignmentLoop(config, prompts, checkNotNull(newLabeller, "labeller"), heldOutPairs, heldOutDemos,
        gold, demonstrations);
  }

  /** Held-out labelled pairs: the reward model's held-out accuracy, and the staleness alarm's baseline. */
  public AlignmentLoop heldOutPairs(List<PreferencePair> pairs) {
    return new AlignmentLoop(config, prompts, labeller, pairs, heldOutDemos, gold, demonstrations);
  }

  /** Held-out demonstrations: the policy's SFT held-out loss drift (forgetting). */
  public AlignmentLoop heldOutDemonstrations(List<Demonstration> demos) {
    return new AlignmentLoop(config, prompts, labeller, heldOutPairs, demos, gold, demonstrations);
  }

  /**
   * A gold scorer (evaluation only, never a training signal): the win-rates against the previous policy and SFT,
   * {@code reward/gold}, and the regression guard, which is off without one.
   */
  public AlignmentLoop gold(BiFunction<Prompt, String, Double> scorer) {
    return new AlignmentLoop(config, prompts, labeller, heldOutPairs, heldOutDemos, checkNotNull(scorer, "gold"),
        demonstrations);
  }

  /**
   * Fresh demonstrations for the SFT refreshes ({@link LoopConfig#sftEvery} &gt; 0 needs them): refresh j fine-tunes
   * the current SFT model on {@code source.next(j)}.
   */
  public AlignmentLoop demonstrations(DemonstrationSource source) {
    return new AlignmentLoop(config, prompts, labeller, heldOutPairs, heldOutDemos, gold,
        checkNotNull(source, "source"));
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

  DemonstrationSource demonstrationSource() {
    return demonstrations;
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
    if (prompts == null || labeller == null) {
      throw new IllegalStateException("the loop needs a prompt source and a labeller: call prompts(...) and"
          + " labeller(...) before run");
    }
    if (config.sftEvery() > 0 && demonstrations == null) {
      throw new IllegalStateException("sft-every " + config.sftEvery() + " refreshes SFT on fresh demonstrations,"
          + " and the loop has none: call demonstrations(...) before run, or use sft-every 0");
    }
    checkNotNull(sft, "sft");
    checkNotNull(initial, "initial");
    if (config.rl().rl().threads() > 0) {
      DjlSetup.setIntraOpThreads(config.rl().rl().threads());   // sampling runs before any trainer sets it
    }
    LoopFolder folder = LoopFolder.open(out, settings());
    Path policy = null;
    Path rm = null;
    int spent = 0;
    List<PreferencePair> earlier = new ArrayList<>();
    List<Map<String, Object>> metrics = new ArrayList<>();
    AlignModel currentSft = sft;           // the SFT model of this iteration: the first, or the last refreshed
    try {
      for (int k = 1; k <= config.iterations(); k++) {
        IterationFiles files = folder.iteration(k);
        if (!Files.exists(files.metrics())) {
          try (IterationRun it = new IterationRun(this, k, files, currentSft, policy, initial, rm, earlier, spent)) {
            LoopOutcome o = it.run();
            if (o != null) {
              return o;
            }
          }
        }
        if (Files.isDirectory(files.sft())) {
          if (currentSft != sft) {
            currentSft.close();
          }
          currentSft = AlignModel.load(files.sft());
        }
        spent = finish(files, metrics, earlier);
        rm = files.rm();
        if (!Boolean.TRUE.equals(metrics.get(metrics.size() - 1).get("policy/kept_previous"))) {
          policy = files.policy();
        }
        folder.writeSummary(metrics, k, policy, rm, spent);
      }
    } finally {
      if (currentSft != sft) {
        currentSft.close();
      }
    }
    return new LoopOutcome.Finished(Optional.ofNullable(policy), rm, metrics);
  }

  /** Reads a finished iteration's metrics and labels into the running state; returns the labels spent so far. */
  private static int finish(IterationFiles files, List<Map<String, Object>> metrics, List<PreferencePair> earlier)
      throws IOException {
    JsonNode m = LoopFiles.readJson(files.metrics());
    metrics.add(JSON.convertValue(m, METRICS));
    earlier.addAll(pairs(files.readCandidates(files.selected()), files.readLabels()));
    return m.get("labels/spent").asInt();
  }

  /** What {@code config.json} records, and what a rerun must match. */
  private Map<String, Object> settings() {
    Map<String, Object> m = new LinkedHashMap<>(config.toMap());
    m.put("labeller", labeller.id());
    m.put("heldout-pairs", heldOutPairs.size());
    m.put("heldout-demonstrations", heldOutDemos.size());
    m.put("gold", gold != null);
    m.put("demonstrations", demonstrations != null);
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
