package dev.align4j.examples.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.align4j.api.RewardModel;
import dev.align4j.api.SamplingParams;
import dev.align4j.api.data.Completion;
import dev.align4j.api.data.CompletionSample;
import dev.align4j.api.data.Demonstration;
import dev.align4j.api.data.PreferencePair;
import dev.align4j.api.data.Prompt;
import dev.align4j.api.data.Text;
import dev.align4j.api.kernel.KernelProviders;
import dev.align4j.api.kernel.KlEstimator;
import dev.align4j.api.kernel.MultiRewardAggregation;
import dev.align4j.api.kernel.RewardScaling;
import dev.align4j.api.kernel.ScorePlacement;
import dev.align4j.api.train.StepMetrics;
import dev.align4j.api.train.TrainingListener;
import dev.align4j.core.AlignModel;
import dev.align4j.core.AlignRewardModel;
import dev.align4j.core.dpo.DpoConfig;
import dev.align4j.core.dpo.DpoTrainer;
import dev.align4j.core.eval.HeldOutLoss;
import dev.align4j.core.eval.OveroptimizationFit;
import dev.align4j.core.eval.ReferenceKl;
import dev.align4j.core.eval.TaskEvaluator;
import dev.align4j.core.eval.TaskScores;
import dev.align4j.core.grpo.GrpoConfig;
import dev.align4j.core.grpo.GrpoLossType;
import dev.align4j.core.grpo.GrpoTrainer;
import dev.align4j.core.grpo.ImportanceSampling;
import dev.align4j.core.ppo.PpoConfig;
import dev.align4j.core.ppo.PpoTrainer;
import dev.align4j.core.reward.LabelMode;
import dev.align4j.core.reward.RewardConfig;
import dev.align4j.core.reward.RewardEvaluation;
import dev.align4j.core.reward.RewardTrainer;
import dev.align4j.core.rl.RlArgs;
import dev.align4j.core.sft.SftConfig;
import dev.align4j.core.sft.SftTrainer;
import dev.align4j.core.task.Task;
import dev.align4j.core.task.TaskConfig;
import dev.align4j.core.task.TaskWorld;
import dev.align4j.core.train.RunMode;
import dev.align4j.core.train.ScheduleKind;
import dev.align4j.core.train.Trainer;
import dev.align4j.core.train.TrainingArgs;
import dev.align4j.core.train.TrainingResult;
import dev.align4j.examples.cli.Progress;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole pipeline on the built-in task world:
 * <pre>
 * annotators → demonstrations → SFT ─┬─ two SFT samples per prompt → labellers → pairs → reward model
 *                                    ├─ PPO against the reward model (β leash)
 *                                    ├─ GRPO against the reward model (β leash)
 *                                    ├─ DPO on the labelled pairs
 *                                    └─ PPO with β = 0, traced: gold and proxy over √KL
 * every policy → held-out samples at temperature 1 → gold judge, KL to SFT, forgetting, win-rate
 * </pre>
 */
public final class DemoPipeline {
  private static final Logger LOG = LoggerFactory.getLogger(DemoPipeline.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Longest prompt ("max: 99 99 99 99\n") plus the longest answer with filler, EOS and BOS, with room. */
  static final int MAX_POSITIONS = 48;

  private final DemoSettings s;
  private final Path out;
  private final TaskWorld world;
  private final Map<String, Double> timings = new LinkedHashMap<>();

  public DemoPipeline(DemoSettings settings, Path out) {
    this(settings, TaskConfig.defaults(), out);
  }

  /** A run in a task world of the given configuration. */
  public DemoPipeline(DemoSettings settings, TaskConfig world, Path out) {
    this.s = settings;
    this.world = new TaskWorld(world);
    this.out = out;
  }

  /** The task world. */
  TaskWorld world() {
    return world;
  }

  /**
   * The annotators' training demonstrations and the held-out ones, drawn from the demo's seed: every part that
   * trains an SFT model draws them here, so each part's SFT is the main part's.
   */
  DemoData draw() {
    Random rnd = new Random(s.seed());
    List<Task> tasks = new ArrayList<>();
    List<String> answers = new ArrayList<>();
    for (int i = 0; i < s.sftExamples(); i++) {
      Task t = world.sample(rnd, TaskWorld.Split.TRAIN);
      tasks.add(t);
      answers.add(world.annotate(t, rnd));
    }
    List<Demonstration> heldOut = new ArrayList<>();
    for (Task t : world.balanced(50, TaskWorld.Split.HELD_OUT, s.seed() + 11)) {
      heldOut.add(new Demonstration.PromptCompletion(Text.plain(t.promptText()),
          Text.plain(world.annotate(t, rnd))));
    }
    return new DemoData(tasks, answers, heldOut);
  }

  /**
   * The drawn data.
   *
   * @param tasks the training demonstrations' tasks
   * @param answers the annotators' answer to each task
   * @param heldOut held-out demonstrations (forgetting: SFT loss drift)
   */
  record DemoData(List<Task> tasks, List<String> answers, List<Demonstration> heldOut) {
    /** The training demonstrations. */
    List<Demonstration> demonstrations() {
      List<Demonstration> out = new ArrayList<>();
      for (int i = 0; i < tasks.size(); i++) {
        out.add(new Demonstration.PromptCompletion(Text.plain(tasks.get(i).promptText()),
            Text.plain(answers.get(i))));
      }
      return out;
    }
  }

  /** Held-out demonstrations drawn as {@link #run} draws them. */
  List<Demonstration> heldOutDemonstrations() {
    return draw().heldOut();
  }

  /** Runs every stage and writes the run folder. */
  public DemoResult run() throws IOException {
    long t0 = System.nanoTime();
    // One intra-op thread: a 0.2M model gains nothing from a second one, and when another process holds a core,
    // PyTorch's OpenMP regions wait for the busy thread (a 64-row forward pass measured 55 ms on one thread and
    // 1,100 ms on two while a second process ran).
    dev.align4j.core.runtime.DjlSetup.setIntraOpThreads(1);

    // ---- data: annotators write demonstrations -------------------------------------------------------------------
    AlignModel base = newBaseModel();
    DemoData data = draw();
    List<Demonstration> demos = data.demonstrations();
    int gold = 0;
    for (int i = 0; i < demos.size(); i++) {
      gold += world.judge(data.tasks().get(i), data.answers().get(i)).gold() ? 1 : 0;
    }
    double annotatorAccuracy = gold / (double) s.sftExamples();
    List<Demonstration> heldOutDemos = data.heldOut();
    LOG.info("demo: {} demonstrations, annotator gold accuracy {}", demos.size(), fmt(annotatorAccuracy));

    // ---- SFT ---------------------------------------------------------------------------------------------------------
    try (base; AlignModel sft = sft(base, demos, heldOutDemos)) {
      return afterSft(sft, annotatorAccuracy, heldOutDemos, t0);
    }
  }

  /** The SFT stage. */
  AlignModel sft(AlignModel base, List<Demonstration> demos, List<Demonstration> heldOutDemos) throws IOException {
    return sft(base, demos, heldOutDemos, "sft");
  }

  /** An SFT stage named {@code name} (its run folder and timing), with the demo's SFT settings. */
  AlignModel sft(AlignModel base, List<Demonstration> demos, List<Demonstration> heldOutDemos, String name)
      throws IOException {
    SftConfig config = common(SftConfig.builder(), s.sftLearningRate(), s.sftSteps(), s.sftBatch(), 0.05,
        ScheduleKind.COSINE).build();
    return timed(name, () -> stage(SftTrainer.of(config), name, s.sftSteps()).train(base, demos, heldOutDemos)
        .model());
  }

  /**
   * A reward-model stage named {@code name} with the demo's reward-model settings and the given label mode, trained
   * from {@code sft} on {@code pairs} and evaluated on {@code heldOutPairs}.
   */
  TrainingResult<AlignRewardModel> rewardModel(String name, AlignModel sft, List<PreferencePair> pairs,
      List<PreferencePair> heldOutPairs, LabelMode mode) throws IOException {
    RewardConfig config = common(RewardConfig.builder(), s.rmLearningRate(), 0, 32, 0.05, ScheduleKind.COSINE)
        .epochs(s.rmEpochs()).labelMode(mode).build();
    return timed(name, () -> stage(RewardTrainer.of(config), name, (long) s.rmEpochs() * ((pairs.size() + 31) / 32))
        .train(sft, pairs, heldOutPairs));
  }

  /** A GRPO stage named {@code name} from {@code sft} against {@code proxy}, with the demo's GRPO settings. */
  TrainingResult<AlignModel> grpo(String name, AlignModel sft, AlignRewardModel proxy, List<Prompt> prompts)
      throws IOException {
    GrpoConfig config = grpoConfig(s.rlIterations(), s.grpoBeta());
    return timed(name, () -> stage(GrpoTrainer.of(config).rewardModel(proxy), name, s.rlIterations())
        .train(sft, prompts));
  }

  /** Seconds each stage took, by name, in the order they ran. */
  Map<String, Double> timings() {
    return timings;
  }

  /** Everything after SFT: evaluation, labelling, the reward model, PPO, GRPO, DPO and the unleashed run. */
  DemoResult afterSft(AlignModel sft, double annotatorAccuracy, List<Demonstration> heldOutDemos, long t0)
      throws IOException {
    {
      TaskEvaluator eval = new TaskEvaluator(world, sft.tokenizer(),
          world.balanced(s.evalPerFamily(), TaskWorld.Split.HELD_OUT, s.seed() + 7), s.evalSamples(),
          s.maxNewTokens(), 256);
      TaskEvaluator trace = new TaskEvaluator(world, sft.tokenizer(),
          world.balanced(s.tracePerFamily(), TaskWorld.Split.HELD_OUT, s.seed() + 9), 1, s.maxNewTokens(), 256);
      List<String> sftSamples = eval.sample(sft, s.seed());
      double sftLoss = HeldOutLoss.of(sft, heldOutDemos, 64);
      StageOutcome sftOutcome = new StageOutcome("sft", eval.score(sftSamples), 0, sftLoss, 0.5,
          timings.getOrDefault("sft", 0.0), sftSamples, List.of());
      LOG.info("demo: SFT gold {} content {} filler {}", fmt(sftOutcome.scores().goldAccuracy()),
          fmt(sftOutcome.scores().contentAccuracy()), fmt(sftOutcome.scores().fillerRate()));

      // ---- labellers compare two SFT samples per prompt → reward model --------------------------------------------
      List<PreferencePair> pairs = labelledPairs(sft, s.rmPairs(), TaskWorld.Split.TRAIN, s.seed() + 21);
      List<PreferencePair> heldOutPairs = labelledPairs(sft, s.rmHeldOutPairs(), TaskWorld.Split.HELD_OUT,
          s.seed() + 22);
      RewardConfig rmConfig = common(RewardConfig.builder(), s.rmLearningRate(), 0, 32, 0.05, ScheduleKind.COSINE)
          .epochs(s.rmEpochs()).build();
      TrainingResult<AlignRewardModel> rmRun = timed("reward_model", () -> stage(RewardTrainer.of(rmConfig), "rm",
          (long) s.rmEpochs() * ((pairs.size() + 31) / 32)).train(sft, pairs, heldOutPairs));
      RewardEvaluation rmEvaluation = RewardEvaluation.from(rmRun.metrics());
      double fillerBonus = fillerBonus(rmRun.model(), eval.tasks());
      LOG.info("demo: reward model held-out accuracy {}, length correlation {}, filler bonus {}",
          fmt(rmEvaluation.accuracy()), fmt(rmEvaluation.lengthCorrelation()), fmt(fillerBonus));

      List<Prompt> prompts = rlPrompts();
      Map<String, StageOutcome> stages = new LinkedHashMap<>();
      stages.put("sft", sftOutcome);
      List<TracePoint> traced = new ArrayList<>();
      try (rmRun) {
        AlignRewardModel proxy = rmRun.model();

        // ---- PPO ------------------------------------------------------------------------------------------------
        try (PpoTrainer.Result<AlignModel> ppo = timed("ppo", () -> stage(PpoTrainer.of(ppoConfig(s.ppoBeta(),
            s.rlIterations(), 0)).rewardModel(proxy), "ppo", s.rlIterations()).train(sft, prompts))) {
          stages.put("ppo", outcome("ppo", ppo.model(), sft, eval, heldOutDemos, sftSamples,
              ppo.policy().history()));
        }

        // ---- GRPO -----------------------------------------------------------------------------------------------
        try (TrainingResult<AlignModel> grpo = timed("grpo", () -> stage(GrpoTrainer.of(grpoConfig(s.rlIterations(),
            s.grpoBeta())).rewardModel(proxy), "grpo", s.rlIterations()).train(sft, prompts))) {
          stages.put("grpo", outcome("grpo", grpo.model(), sft, eval, heldOutDemos, sftSamples, grpo.history()));
        }

        // ---- DPO on the labelled pairs -------------------------------------------------------------------------
        DpoConfig dpoConfig = common(DpoConfig.builder(), s.dpoLearningRate(), s.dpoSteps(), 32, 0.1,
            ScheduleKind.COSINE).beta(s.dpoBeta()).klMaxNewTokens(s.maxNewTokens()).build();
        try (TrainingResult<AlignModel> dpo = timed("dpo", () -> stage(DpoTrainer.of(dpoConfig), "dpo",
            s.dpoSteps()).train(sft, pairs, heldOutPairs))) {
          stages.put("dpo", outcome("dpo", dpo.model(), sft, eval, heldOutDemos, sftSamples, List.of()));
        }

        // ---- β = 0: the proxy is hacked ------------------------------------------------------------------------
        List<String> traceSft = trace.sample(sft, s.seed() + 3);
        TaskScores t0Scores = trace.score(traceSft);
        double[] proxy0 = proxyScores(proxy, trace, traceSft);
        traced.add(new TracePoint(0, 0, t0Scores.goldAccuracy(), mean(proxy0), t0Scores.fillerRate(),
            t0Scores.goldStandardError(), TaskScores.standardError(proxy0)));
        TrainingListener tracer = new TrainingListener() {
          @Override public void onCheckpoint(long step, Path checkpoint) {
            traced.add(tracePoint(step, checkpoint, sft, trace, proxy));
          }
        };
        try (PpoTrainer.Result<AlignModel> beta0 = timed("beta0", () -> PpoTrainer.of(ppoConfig(0.0,
            s.beta0Iterations(), s.traceEvery())).rewardModel(proxy)
            .runFolder(out.resolve("beta0"), RunMode.OVERWRITE).record(recorded("beta0")).listener(tracer)
            .listener(new Progress("beta0", s.beta0Iterations(), 1, 10)).train(sft, prompts))) {
          stages.put("beta0", outcome("beta0", beta0.model(), sft, eval, heldOutDemos, sftSamples,
              beta0.policy().history()));
        }
      }
      double[] d = traced.stream().mapToDouble(TracePoint::sqrtKl).toArray();
      double[] g = traced.stream().mapToDouble(TracePoint::gold).toArray();
      OveroptimizationFit fit = OveroptimizationFit.fit(d, g, traced.get(0).gold());
      double wall = (System.nanoTime() - t0) / 1e9;
      return new DemoResult(s, annotatorAccuracy, stages, rmEvaluation, fillerBonus, traced, fit, wall, timings,
          eval);
    }
  }

  // ---- stages ----------------------------------------------------------------------------------------------------

  /** The RL settings PPO, GRPO and the β = 0 run share: one prompt order and seed, temperature 1, constant rate. */
  private <B extends RlArgs.AbstractBuilder<B>> B rl(B b, int iterations, int prompts, double beta, int saveEvery) {
    return b.learningRate(s.rlLearningRate()).maxSteps(iterations).batchSize(prompts).seed(s.seed())
        .maxNewTokens(s.maxNewTokens()).temperature(1.0).topK(0).topP(1.0).beta(beta).warmupRatio(0)
        .schedule(ScheduleKind.CONSTANT).maxGradNorm(1.0).logEvery(5).saveEvery(saveEvery).keepCheckpoints(1)
        .threads(0);
  }

  private PpoConfig ppoConfig(double beta, int iterations, int saveEvery) {
    return rl(PpoConfig.builder(), iterations, s.rlPrompts(), beta, saveEvery).ppoEpochs(4).numMiniBatches(1)
        .clipRange(0.2).clipRangeValue(0.2).valueCoefficient(0.1).gamma(1.0).lambda(0.95).klEstimator(KlEstimator.K1)
        .scorePlacement(ScorePlacement.LAST_RESPONSE_TOKEN).build();
  }

  /** The demo's GRPO settings (DR-GRPO, two passes of two mini-batches per batch) at the given length and leash. */
  GrpoConfig grpoConfig(int iterations, double beta) {
    return rl(GrpoConfig.builder(), iterations, s.rlPrompts() / s.grpoGenerations(), beta, 0)
        .numGenerations(s.grpoGenerations()).lossType(new GrpoLossType.DrGrpo(s.maxNewTokens())).epsilon(0.2)
        .epsilonHigh(0.2).scaleRewards(RewardScaling.NONE).aggregation(MultiRewardAggregation.SUM_THEN_NORMALIZE)
        .importanceSampling(ImportanceSampling.TOKEN).numIterations(2).numMiniBatches(2).build();
  }

  /** The offline settings SFT, the reward model and DPO share: one pass, the demo's seed, log every 50 steps. */
  <B extends TrainingArgs.AbstractBuilder<B>> B common(B b, double lr, long steps, int batch, double warmup,
      ScheduleKind schedule) {
    return b.learningRate(lr).epochs(1).maxSteps(steps).batchSize(batch).gradientAccumulationSteps(1).seed(s.seed())
        .warmupRatio(warmup).schedule(schedule).weightDecay(0).maxGradNorm(1.0).maxLength(MAX_POSITIONS).logEvery(50)
        .evalEvery(0).saveEvery(0).keepCheckpoints(1).threads(0);
  }

  /** The built-in model, randomly initialised with the demo's seed, also written to {@code OUT/base}. */
  AlignModel newBaseModel() throws IOException {
    AlignModel base = AlignModel.builtin(world.alphabet(), MAX_POSITIONS, s.seed());
    base.save(out.resolve("base"));
    return base;
  }

  /**
   * Two SFT samples per prompt, labelled by the simulated labellers, until {@code wanted} pairs exist; pairs whose two
   * samples are identical teach nothing and are counted and skipped.
   */
  List<PreferencePair> labelledPairs(AlignModel sft, int wanted, TaskWorld.Split split, long seed) {
    Random r = new Random(seed);
    List<PreferencePair> pairs = new ArrayList<>();
    int identical = 0;
    int round = 0;
    while (pairs.size() < wanted) {
      List<Task> tasks = new ArrayList<>();
      List<int[]> ids = new ArrayList<>();
      for (int i = 0; i < 128; i++) {
        Task t = world.sample(r, split);
        tasks.add(t);
        int[] p = sft.tokenizer().prompt(Text.plain(t.promptText()));
        ids.add(p);
        ids.add(p);
      }
      List<Completion> cs = sft.generate(ids, SamplingParams.sample(1.0, s.maxNewTokens()), seed * 977 + round++);
      for (int i = 0; i < tasks.size() && pairs.size() < wanted; i++) {
        Task t = tasks.get(i);
        String a = sft.tokenizer().decode(cs.get(2 * i).tokenIds());
        String b = sft.tokenizer().decode(cs.get(2 * i + 1).tokenIds());
        if (a.equals(b)) {
          identical++;
          continue;
        }
        boolean first = world.prefersFirst(t, a, b, r);
        pairs.add(PreferencePair.plain(t.promptText(), first ? a : b, first ? b : a));
      }
    }
    LOG.info("demo: {} {} pairs labelled, {} skipped because both samples were identical", pairs.size(),
        split.name().toLowerCase(java.util.Locale.ROOT), identical);
    return pairs;
  }

  List<Prompt> rlPrompts() {
    Random r = new Random(s.seed() + 31);
    List<Prompt> out = new ArrayList<>();
    for (int i = 0; i < 4096; i++) {
      Task t = world.sample(r, TaskWorld.Split.TRAIN);
      out.add(Prompt.of(t.promptText(), Map.of("answer", t.answer())));
    }
    return out;
  }

  // ---- evaluation -------------------------------------------------------------------------------------------------

  StageOutcome outcome(String name, AlignModel policy, AlignModel sft, TaskEvaluator eval,
      List<Demonstration> heldOutDemos, List<String> sftSamples, List<StepMetrics> history) {
    List<String> samples = eval.sample(policy, s.seed() + name.hashCode());
    List<int[]> prompts = new ArrayList<>();
    for (Task t : eval.tasks()) {
      prompts.add(sft.tokenizer().prompt(Text.plain(t.promptText())));
    }
    double kl = ReferenceKl.mean(policy, sft, prompts, SamplingParams.sample(1.0, s.maxNewTokens()), s.seed() + 5,
        KernelProviders.best());
    double loss = HeldOutLoss.of(policy, heldOutDemos, 64);
    TaskScores scores = eval.score(samples);
    LOG.info("demo: {} gold {} content {} filler {} KL {}", name, fmt(scores.goldAccuracy()),
        fmt(scores.contentAccuracy()), fmt(scores.fillerRate()), fmt(kl));
    List<Map<String, Double>> perIteration = new ArrayList<>();
    history.forEach(h -> perIteration.add(h.values()));
    return new StageOutcome(name, scores, kl, loss, eval.winRate(samples, sftSamples), timings.getOrDefault(name, 0.0), samples,
        perIteration);
  }

  private TracePoint tracePoint(long step, Path checkpoint, AlignModel sft, TaskEvaluator trace,
      AlignRewardModel proxy) {
    try (AlignModel p = AlignModel.load(checkpoint)) {
      List<String> samples = trace.sample(p, s.seed() + 3);
      TaskScores scores = trace.score(samples);
      List<int[]> prompts = new ArrayList<>();
      for (Task t : trace.tasks()) {
        prompts.add(sft.tokenizer().prompt(Text.plain(t.promptText())));
      }
      double kl = ReferenceKl.mean(p, sft, prompts, SamplingParams.sample(1.0, s.maxNewTokens()), s.seed() + 5,
          KernelProviders.best());
      double[] proxyScores = proxyScores(proxy, trace, samples);
      TracePoint tp = new TracePoint(step, kl, scores.goldAccuracy(), mean(proxyScores), scores.fillerRate(),
          scores.goldStandardError(), TaskScores.standardError(proxyScores));
      LOG.info("demo: beta0 iteration {}: sqrt(KL) {} gold {} proxy {} filler {}", step, fmt(tp.sqrtKl()),
          fmt(tp.gold()), fmt(tp.proxy()), fmt(tp.filler()));
      return tp;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The reward model's score of each sample (one per trace task, so each is a sampled unit). */
  static double[] proxyScores(RewardModel proxy, TaskEvaluator eval, List<String> samples) {
    List<CompletionSample> cs = new ArrayList<>();
    for (int i = 0; i < samples.size(); i++) {
      cs.add(CompletionSample.of(eval.taskOf(i).promptText(), samples.get(i)));
    }
    return proxy.score(cs);
  }

  static double mean(double[] values) {
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    return sum / values.length;
  }

  /** Mean reward-model score of "filler + correct answer" minus "correct answer" on held-out tasks. */
  double fillerBonus(RewardModel proxy, List<Task> tasks) {
    List<CompletionSample> plain = new ArrayList<>();
    List<CompletionSample> friendly = new ArrayList<>();
    for (Task t : tasks) {
      plain.add(CompletionSample.of(t.promptText(), t.answer()));
      friendly.add(CompletionSample.of(t.promptText(), world.config().filler() + t.answer()));
    }
    double[] a = proxy.score(plain);
    double[] b = proxy.score(friendly);
    double d = 0;
    for (int i = 0; i < a.length; i++) {
      d += b[i] - a[i];
    }
    return d / a.length;
  }

  // ---- plumbing -------------------------------------------------------------------------------------------------

  /** A stage's trainer with its run folder {@code OUT/stage} (fresh), the demo's settings recorded, and progress. */
  private <T extends Trainer<T>> T stage(T trainer, String stage, long total) {
    return trainer.runFolder(out.resolve(stage), RunMode.OVERWRITE).record(recorded(stage))
        .listener(new Progress(stage, total, 1, Math.max(1, total / 10)));
  }

  /** What {@code config.json} records beside the trainer's own configuration. */
  @SuppressWarnings("unchecked")
  private Map<String, Object> recorded(String stage) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("demo_stage", stage);
    o.put("settings", JSON.convertValue(s, Map.class));
    return o;
  }

  @FunctionalInterface
  private interface Stage<T> {
    T run() throws IOException;
  }

  private <T> T timed(String name, Stage<T> stage) throws IOException {
    long t = System.nanoTime();
    LOG.info("demo: stage {} starts", name);
    T r = stage.run();
    timings.put(name, (System.nanoTime() - t) / 1e9);
    LOG.info("demo: stage {} took {} s", name, String.format("%.1f", timings.get(name)));
    return r;
  }

  static String fmt(double v) {
    return String.format(java.util.Locale.ROOT, "%.3f", v);
  }
}
