package dev.align4j.examples.demo;

import dev.align4j.api.RewardModel;
import dev.align4j.api.SamplingParams;
import dev.align4j.api.data.Completion;
import dev.align4j.api.data.CompletionSample;
import dev.align4j.api.data.PreferencePair;
import dev.align4j.api.data.Prompt;
import dev.align4j.api.data.Text;
import dev.align4j.core.AlignModel;
import dev.align4j.core.AlignRewardModel;
import dev.align4j.core.grpo.GrpoConfig;
import dev.align4j.core.grpo.GrpoTrainer;
import dev.align4j.core.loop.Acquisition;
import dev.align4j.core.loop.AlignmentLoop;
import dev.align4j.core.loop.Conservative;
import dev.align4j.core.loop.LoopConfig;
import dev.align4j.core.loop.LoopLabeller;
import dev.align4j.core.loop.LoopOutcome;
import dev.align4j.core.loop.PromptSource;
import dev.align4j.core.loop.ReferencePolicy;
import dev.align4j.core.loop.RewardEnsemble;
import dev.align4j.core.reward.LabelMode;
import dev.align4j.core.reward.RewardConfig;
import dev.align4j.core.reward.RewardEvaluation;
import dev.align4j.core.task.Task;
import dev.align4j.core.task.TaskWorld;
import dev.align4j.core.train.RunMode;
import dev.align4j.core.train.ScheduleKind;
import dev.align4j.core.train.TrainingResult;
import dev.align4j.examples.cli.Progress;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's loop part: does re-labelling where the policy now is beat a reward model trained once? Three arms from
 * the same SFT model, each running {@code K × T} GRPO iterations at the same weak leash and ending with the same
 * number of annotator labels:
 * <pre>
 * single_pass       RM trained once on L0 + K·B SFT-sample pairs ─ GRPO T ─ GRPO T ─ … (K chunks)
 * loop_uncertainty  RM on L0 SFT-sample pairs ─ [B on-policy pairs nearest P = ½ labelled, RM refresh, GRPO T] × K
 * loop_random       the same loop, its B pairs drawn at random
 * </pre>
 * After every chunk each arm's policy is judged by gold on the main part's held-out prompts, and each reward model's
 * on-policy accuracy is measured on fresh pairs of that iteration's starting policy on held-out probe prompts,
 * labelled by the same annotators: before the refresh (staleness) and after it. The labels are the world's simulated
 * annotators (with their taste for filler) in every arm; gold is never a training signal (the loop's regression guard
 * is off so that no arm sees gold).
 */
public final class LoopDemo {
  private static final Logger LOG = LoggerFactory.getLogger(LoopDemo.class);
  /** The arms, in the table's order. */
  static final List<String> ARMS = List.of("single_pass", "loop_uncertainty", "loop_random");

  private final DemoSettings s;
  private final LoopDemoSettings l;
  private final Path out;
  private final Optional<Path> sftFolder;

  /**
   * @param settings the demo's sizes (SFT, reward-model and GRPO settings as in the main part; the loop part's own)
   * @param out the part's folder
   * @param sftFolder the main part's SFT model to reuse ({@code OUT/sft/final} of the same settings); empty to train
   *     it here exactly as the main part does
   */
  public LoopDemo(DemoSettings settings, Path out, Optional<Path> sftFolder) {
    this.s = settings;
    this.l = settings.loop();
    this.out = out;
    this.sftFolder = sftFolder;
  }

  /** Runs the part. */
  public LoopResult run() throws IOException {
    long t0 = System.nanoTime();
    dev.align4j.core.runtime.DjlSetup.setIntraOpThreads(1);
    DemoPipeline p = new DemoPipeline(s, out);
    TaskWorld world = p.world();
    DemoPipeline.DemoData data = p.draw();
    try (AlignModel sft = sftModel(p, data)) {
      dev.align4j.core.eval.TaskEvaluator eval = new dev.align4j.core.eval.TaskEvaluator(world, sft.tokenizer(),
          world.balanced(s.evalPerFamily(), TaskWorld.Split.HELD_OUT, s.seed() + 7), s.evalSamples(),
          s.maxNewTokens(), 256);
      List<String> sftSamples = eval.sample(sft, s.seed());
      // The main part's SFT row: the same samples (seed), so the two tables agree.
      StageOutcome sftOutcome = new StageOutcome("sft", eval.score(sftSamples), 0,
          dev.align4j.core.eval.HeldOutLoss.of(sft, data.heldOut(), 64), 0.5, 0, sftSamples, List.of());
      List<PreferencePair> heldOutPairs = p.labelledPairs(sft, s.rmHeldOutPairs(), TaskWorld.Split.HELD_OUT,
          s.seed() + 22);
      int budget = l.initialLabels() + l.iterations() * l.labelsPerIteration();
      // One draw; the loop's first reward model gets its first L0 pairs, the single pass all of them.
      List<PreferencePair> upFront = p.labelledPairs(sft, budget, TaskWorld.Split.TRAIN, s.seed() + 41);
      List<Task> probes = world.balanced(l.probePerFamily(), TaskWorld.Split.HELD_OUT, s.seed() + 43);
      List<Prompt> prompts = p.rlPrompts();
      Map<String, List<LoopResult.Point>> arms = new LinkedHashMap<>();
      Map<String, Double> rmAccuracy = new LinkedHashMap<>();
      Arm arm = new Arm(p, world, sft, eval, data, sftSamples, probes, prompts);
      try (TrainingResult<AlignRewardModel> once = p.rewardModel("loop/rm_once", sft, upFront, heldOutPairs,
          LabelMode.HARD)) {
        rmAccuracy.put("rm_once", RewardEvaluation.from(once.metrics()).accuracy());
        arms.put("single_pass", arm.singlePass(once.model()));
      }
      try (TrainingResult<AlignRewardModel> initial = p.rewardModel("loop/rm_initial", sft,
          upFront.subList(0, l.initialLabels()), heldOutPairs, LabelMode.HARD)) {
        rmAccuracy.put("rm_initial", RewardEvaluation.from(initial.metrics()).accuracy());
        arms.put("loop_uncertainty", arm.loop("loop_uncertainty", new Acquisition.Uncertainty(), initial.model(),
            heldOutPairs));
        arms.put("loop_random", arm.loop("loop_random", new Acquisition.Random(s.seed() + 61), initial.model(),
            heldOutPairs));
      }
      double wall = (System.nanoTime() - t0) / 1e9;
      return new LoopResult(s, sftOutcome, rmAccuracy, arms, wall, new LinkedHashMap<>(p.timings()));
    }
  }

  private AlignModel sftModel(DemoPipeline p, DemoPipeline.DemoData data) throws IOException {
    if (sftFolder.isPresent()) {
      LOG.info("loop: the SFT model of {}", sftFolder.get());
      return AlignModel.load(sftFolder.get());
    }
    try (AlignModel base = p.newBaseModel()) {
      return p.sft(base, data.demonstrations(), data.heldOut(), "loop/sft");
    }
  }

  /** What every arm shares: the SFT model, the evaluation, the probes and the prompt pool. */
  private final class Arm {
    private final DemoPipeline p;
    private final TaskWorld world;
    private final AlignModel sft;
    private final dev.align4j.core.eval.TaskEvaluator eval;
    private final DemoPipeline.DemoData data;
    private final List<String> sftSamples;
    private final List<Task> probes;
    private final List<Prompt> prompts;

    Arm(DemoPipeline p, TaskWorld world, AlignModel sft, dev.align4j.core.eval.TaskEvaluator eval,
        DemoPipeline.DemoData data, List<String> sftSamples, List<Task> probes, List<Prompt> prompts) {
      this.p = p;
      this.world = world;
      this.sft = sft;
      this.eval = eval;
      this.data = data;
      this.sftSamples = sftSamples;
      this.probes = probes;
      this.prompts = prompts;
    }

    /** GRPO against one reward model in K chunks of T iterations, each chunk on the loop's prompts of that k. */
    List<LoopResult.Point> singlePass(AlignRewardModel rm) throws IOException {
      List<LoopResult.Point> points = new ArrayList<>();
      Path dir = out.resolve("loop").resolve("single_pass");
      Path previous = null;
      int labels = l.initialLabels() + l.iterations() * l.labelsPerIteration();
      for (int k = 1; k <= l.iterations(); k++) {
        Path policyDir = dir.resolve("iter-" + k).resolve("policy");
        List<Prompt> slice = prompts.subList((k - 1) * l.promptsPerIteration(), k * l.promptsPerIteration());
        try (AlignModel start = previous == null ? null : AlignModel.load(previous)) {
          AlignModel from = start == null ? sft : start;
          double before = onPolicyAccuracy(rm, probePairs(from, k));
          // The loop's seed formula for iteration k's RL pass, so the arms' passes draw alike.
          GrpoConfig config = p.grpoConfig(l.rlIterations(), l.beta()).toBuilder().seed(rlSeed(k)).build();
          try (TrainingResult<AlignModel> r = GrpoTrainer.of(config).rewardModel(rm)
              .runFolder(dir.resolve("iter-" + k).resolve("rl"), RunMode.OVERWRITE)
              .listener(new Progress("loop single_pass " + k, l.rlIterations(), 1, 10)).train(from, sft, slice)) {
            r.model().save(policyDir);
          }
          points.add(point("single_pass", k, labels, policyDir, rm, before, Double.NaN, Double.NaN, Double.NaN));
        }
        previous = policyDir;
      }
      return points;
    }

    /** The alignment loop from the initial reward model, buying B labels per iteration with {@code acquisition}. */
    List<LoopResult.Point> loop(String name, Acquisition acquisition, AlignRewardModel initial,
        List<PreferencePair> heldOutPairs) throws IOException {
      // Soft labels as the loop's default: its hard labels carry p = 1, where the soft loss is bitwise the hard one.
      RewardConfig refresh = p.common(RewardConfig.builder(), s.rmLearningRate(), 0, 32, 0.05, ScheduleKind.COSINE)
          .epochs(1).labelMode(LabelMode.SOFT).build();
      LoopConfig config = LoopConfig.builder().iterations(l.iterations()).promptsPerIteration(l.promptsPerIteration())
          .samplesPerPrompt(l.samplesPerPrompt()).labelsPerIteration(l.labelsPerIteration()).acquisition(acquisition)
          .reward(refresh).rl(p.grpoConfig(l.rlIterations(), l.beta())).reference(ReferencePolicy.SFT)
          // The guard judges with gold; the single pass has no such oracle, so neither may the loop.
          .regressionFloor(0).seed(s.seed()).sampling(SamplingParams.sample(1.0, s.maxNewTokens())).build();
      BiFunction<Prompt, String, Double> gold = (prompt, completion) -> world.judge(world.parse(
          ((Text.Plain) prompt.prompt()).text()).orElseThrow(), completion).gold() ? 1.0 : 0.0;
      AlignmentLoop loop = AlignmentLoop.of(config).prompts(PromptSource.slices(prompts))
          .labeller(new LoopLabeller.World(world, s.seed() + 51)).heldOutPairs(heldOutPairs)
          .heldOutDemonstrations(data.heldOut()).gold(gold);
      Path dir = out.resolve("loop").resolve(name);
      long t = System.nanoTime();
      // The ensemble view is not closed here: its one member belongs to the caller's training result.
      RewardEnsemble start = RewardEnsemble.of(List.of(initial), new Conservative.Mean());
      LoopOutcome o = loop.run(sft, start, dir);
      p.timings().put(name, (System.nanoTime() - t) / 1e9);
      if (!(o instanceof LoopOutcome.Finished finished)) {
        throw new IllegalStateException("loop " + name + " stopped for labels: " + o);
      }
      List<LoopResult.Point> points = new ArrayList<>();
      for (int k = 1; k <= l.iterations(); k++) {
        Path iter = dir.resolve("iter-" + k);
        Map<String, Object> m = finished.metrics().get(k - 1);
        try (RewardEnsemble after = RewardEnsemble.load(iter.resolve("rm"), new Conservative.Mean());
            RewardEnsemble loaded = k == 1 ? null : RewardEnsemble.load(dir.resolve("iter-" + (k - 1))
                .resolve("rm"), new Conservative.Mean());
            AlignModel from = k == 1 ? null : AlignModel.load(dir.resolve("iter-" + (k - 1)).resolve("policy"))) {
          List<PreferencePair> probe = probePairs(from == null ? sft : from, k);
          RewardModel before = loaded == null ? initial : loaded;
          points.add(point(name, k, ((Number) m.get("labels/spent")).intValue() + l.initialLabels(),
              iter.resolve("policy"), after, onPolicyAccuracy(before, probe), onPolicyAccuracy(after, probe),
              number(m, "rm/fresh_accuracy_before"), number(m, "rm/fresh_accuracy_after")));
        }
      }
      return points;
    }

    private LoopResult.Point point(String arm, int k, int labels, Path policyDir, RewardModel rm, double before,
        double after, double selectedBefore, double selectedAfter) throws IOException {
      try (AlignModel policy = AlignModel.load(policyDir)) {
        StageOutcome o = p.outcome(arm + "_" + k, policy, sft, eval, data.heldOut(), sftSamples, List.of());
        double proxy = DemoPipeline.mean(DemoPipeline.proxyScores(rm, eval, o.samples()));
        double fillerBonus = p.fillerBonus(rm, eval.tasks());
        LOG.info("loop: {} iteration {}: gold {} content {} filler {} proxy {} KL {}; RM filler bonus {}, on-policy"
            + " accuracy {} -> {}", arm, k, DemoPipeline.fmt(o.scores().goldAccuracy()),
            DemoPipeline.fmt(o.scores().contentAccuracy()), DemoPipeline.fmt(o.scores().fillerRate()),
            DemoPipeline.fmt(proxy), DemoPipeline.fmt(o.kl()), DemoPipeline.fmt(fillerBonus),
            DemoPipeline.fmt(before), DemoPipeline.fmt(after));
        return new LoopResult.Point(k, labels, o.scores(), o.kl(), proxy, fillerBonus, before, after,
            selectedBefore, selectedAfter);
      }
    }

    /**
     * Two samples of {@code policy} for each probe prompt, labelled by the annotators; identical samples are
     * skipped. Seeded by {@code k} only, so every arm's first iteration probes SFT with the same pairs.
     */
    private List<PreferencePair> probePairs(AlignModel policy, int k) {
      List<int[]> ids = new ArrayList<>();
      for (Task t : probes) {
        int[] prompt = policy.tokenizer().prompt(Text.plain(t.promptText()));
        ids.add(prompt);
        ids.add(prompt);
      }
      List<Completion> cs = policy.generate(ids, SamplingParams.sample(1.0, s.maxNewTokens()),
          s.seed() * 7919 + k);
      Random r = new Random(s.seed() * 104_729 + k);
      List<PreferencePair> pairs = new ArrayList<>();
      for (int i = 0; i < probes.size(); i++) {
        Task t = probes.get(i);
        String a = policy.tokenizer().decode(cs.get(2 * i).tokenIds());
        String b = policy.tokenizer().decode(cs.get(2 * i + 1).tokenIds());
        if (!a.equals(b)) {
          boolean first = world.prefersFirst(t, a, b, r);
          pairs.add(PreferencePair.plain(t.promptText(), first ? a : b, first ? b : a));
        }
      }
      return pairs;
    }
  }

  /** Share of pairs the model orders as the annotators did (a tie counts half); NaN for no pair. */
  static double onPolicyAccuracy(RewardModel rm, List<PreferencePair> pairs) {
    if (pairs.isEmpty()) {
      return Double.NaN;
    }
    List<CompletionSample> chosen = new ArrayList<>();
    List<CompletionSample> rejected = new ArrayList<>();
    for (PreferencePair x : pairs) {
      String prompt = ((Text.Plain) x.prompt()).text();
      chosen.add(CompletionSample.of(prompt, ((Text.Plain) x.chosen()).text()));
      rejected.add(CompletionSample.of(prompt, ((Text.Plain) x.rejected()).text()));
    }
    double[] a = rm.score(chosen);
    double[] b = rm.score(rejected);
    double right = 0;
    for (int i = 0; i < a.length; i++) {
      right += a[i] > b[i] ? 1 : a[i] == b[i] ? 0.5 : 0;
    }
    return right / a.length;
  }

  /** {@link AlignmentLoop}'s seed of iteration k's RL pass (its base is the GRPO seed, the demo's seed). */
  private long rlSeed(int k) {
    return s.seed() * 1_000_003L + k * 101L + 4;
  }

  private static double number(Map<String, Object> m, String key) {
    Object v = m.get(key);
    return v instanceof Number n ? n.doubleValue() : Double.NaN;
  }
}
