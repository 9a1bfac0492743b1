package dev.align4j.examples.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.api.SamplingParams;
import dev.align4j.api.data.Completion;
import dev.align4j.api.data.CompletionSample;
import dev.align4j.api.data.Demonstration;
import dev.align4j.api.data.PreferencePair;
import dev.align4j.api.data.Text;
import dev.align4j.api.kernel.KernelProviders;
import dev.align4j.api.kernel.KlEstimator;
import dev.align4j.api.kernel.MultiRewardAggregation;
import dev.align4j.api.kernel.RewardScaling;
import dev.align4j.api.kernel.ScorePlacement;
import ai.djl.pytorch.jni.JniUtils;
import dev.align4j.api.train.TrainingListener;
import dev.align4j.core.data.DataReport;
import dev.align4j.core.data.Dataset;
import dev.align4j.core.data.PromptExample;
import dev.align4j.core.data.TextExampleTokenizer;
import dev.align4j.core.dpo.DpoConfig;
import dev.align4j.core.dpo.DpoLossType;
import dev.align4j.core.dpo.DpoTrainer;
import dev.align4j.core.dpo.FDivergence;
import dev.align4j.core.dpo.WeightedDpoLoss;
import dev.align4j.core.eval.HeldOutLoss;
import dev.align4j.core.eval.OveroptimizationFit;
import dev.align4j.core.eval.ReferenceKl;
import dev.align4j.core.eval.TaskEvaluator;
import dev.align4j.core.eval.TaskScores;
import dev.align4j.core.grpo.GrpoConfig;
import dev.align4j.core.grpo.GrpoLossType;
import dev.align4j.core.grpo.GrpoTrainer;
import dev.align4j.core.grpo.ImportanceSampling;
import dev.align4j.core.model.BuiltinModels;
import dev.align4j.core.model.HeadKind;
import dev.align4j.core.model.ModelFolder;
import dev.align4j.core.model.Pretrained;
import dev.align4j.core.model.Provenance;
import dev.align4j.core.model.TransformerModel;
import dev.align4j.core.model.WeightSource;
import dev.align4j.core.model.tokenizer.CharTokenizerBuilder;
import dev.align4j.core.ppo.PpoConfig;
import dev.align4j.core.ppo.PpoTrainer;
import dev.align4j.core.reward.MarginMode;
import dev.align4j.core.reward.RewardConfig;
import dev.align4j.core.reward.RewardTrainer;
import dev.align4j.core.rl.RewardSources;
import dev.align4j.core.rl.RlArgs;
import dev.align4j.core.rl.TransformerRewardModel;
import dev.align4j.core.run.Progress;
import dev.align4j.core.run.RunFolder;
import dev.align4j.core.sft.Packing;
import dev.align4j.core.sft.SftConfig;
import dev.align4j.core.sft.SftLossType;
import dev.align4j.core.sft.SftTrainer;
import dev.align4j.core.task.Task;
import dev.align4j.core.task.TaskConfig;
import dev.align4j.core.task.TaskWorld;
import dev.align4j.core.train.ScheduleKind;
import dev.align4j.core.train.TrainingArgs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
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

  /** Held-out demonstrations drawn as {@link #run} draws them (after {@code sftExamples} training ones). */
  List<Demonstration> heldOutDemonstrations() {
    Random rnd = new Random(s.seed());
    for (int i = 0; i < s.sftExamples(); i++) {
      world.annotate(world.sample(rnd, TaskWorld.Split.TRAIN), rnd);
    }
    List<Demonstration> out = new ArrayList<>();
    for (Task t : world.balanced(50, TaskWorld.Split.HELD_OUT, s.seed() + 11)) {
      out.add(new Demonstration.PromptCompletion(Text.plain(t.promptText()), Text.plain(world.annotate(t, rnd))));
    }
    return out;
  }

  /** Runs every stage and writes the run folder. */
  public DemoResult run() throws IOException {
    long t0 = System.nanoTime();
    // One intra-op thread: a 0.2M model gains nothing from a second one, and when another process holds a core,
    // PyTorch's OpenMP regions wait for the busy thread (a 64-row forward pass measured 55 ms on one thread and
    // 1,100 ms on two while a second process ran).
    dev.align4j.core.runtime.DjlSetup.setIntraOpThreads(1);
    Random rnd = new Random(s.seed());

    // ---- data: annotators write demonstrations -------------------------------------------------------------------
    Path base = newBaseModel();
    List<Demonstration> demos = new ArrayList<>();
    int gold = 0;
    for (int i = 0; i < s.sftExamples(); i++) {
      Task t = world.sample(rnd, TaskWorld.Split.TRAIN);
      String answer = world.annotate(t, rnd);
      gold += world.judge(t, answer).gold() ? 1 : 0;
      demos.add(new Demonstration.PromptCompletion(Text.plain(t.promptText()), Text.plain(answer)));
    }
    double annotatorAccuracy = gold / (double) s.sftExamples();
    List<Demonstration> heldOutDemos = new ArrayList<>();
    for (Task t : world.balanced(50, TaskWorld.Split.HELD_OUT, s.seed() + 11)) {
      heldOutDemos.add(new Demonstration.PromptCompletion(Text.plain(t.promptText()),
          Text.plain(world.annotate(t, rnd))));
    }
    LOG.info("demo: {} demonstrations, annotator gold accuracy {}", demos.size(), fmt(annotatorAccuracy));

    // ---- SFT ---------------------------------------------------------------------------------------------------------
    Path sftFinal = sft(base, demos, heldOutDemos);
    return afterSft(sftFinal, annotatorAccuracy, heldOutDemos, t0);
  }

  /** The SFT stage. */
  Path sft(Path base, List<Demonstration> demos, List<Demonstration> heldOutDemos) throws IOException {
    return timed("sft", () -> new SftTrainer(new SftConfig(args(s.sftLearningRate(), s.sftSteps(),
        s.sftBatch(), 0.05, ScheduleKind.COSINE), SftLossType.NLL, Packing.NONE)).train(base,
        dataset(demos), dataset(heldOutDemos), folder("sft"), config("sft"), progress("sft", s.sftSteps()))
        .finalModel());
  }

  /** Everything after SFT: evaluation, labelling, the reward model, PPO, GRPO, DPO and the unleashed run. */
  DemoResult afterSft(Path sftFinal, double annotatorAccuracy, List<Demonstration> heldOutDemos, long t0)
      throws IOException {
    try (Pretrained sft = Pretrained.load(sftFinal)) {
      TextExampleTokenizer tokens = new TextExampleTokenizer(sft.tokenizer(), null);
      TaskEvaluator eval = new TaskEvaluator(world, sft.tokenizer(),
          world.balanced(s.evalPerFamily(), TaskWorld.Split.HELD_OUT, s.seed() + 7), s.evalSamples(),
          s.maxNewTokens(), 256);
      TaskEvaluator trace = new TaskEvaluator(world, sft.tokenizer(),
          world.balanced(s.tracePerFamily(), TaskWorld.Split.HELD_OUT, s.seed() + 9), 1, s.maxNewTokens(), 256);
      List<String> sftSamples = eval.sample(sft.lm(), s.seed());
      double sftLoss = HeldOutLoss.of(sft.lm(), tokens, heldOutDemos, 64);
      StageOutcome sftOutcome = new StageOutcome("sft", eval.score(sftSamples), 0, sftLoss, 0.5,
          timings.getOrDefault("sft", 0.0), sftSamples, List.of());
      LOG.info("demo: SFT gold {} content {} filler {}", fmt(sftOutcome.scores().goldAccuracy()),
          fmt(sftOutcome.scores().contentAccuracy()), fmt(sftOutcome.scores().fillerRate()));

      // ---- labellers compare two SFT samples per prompt → reward model --------------------------------------------
      List<PreferencePair> pairs = labelledPairs(sft, s.rmPairs(), TaskWorld.Split.TRAIN, s.seed() + 21);
      List<PreferencePair> heldOutPairs = labelledPairs(sft, s.rmHeldOutPairs(), TaskWorld.Split.HELD_OUT,
          s.seed() + 22);
      RewardTrainer.Result rm = timed("reward_model", () -> new RewardTrainer(new RewardConfig(
          args(s.rmLearningRate(), 0, 32, 0.05, ScheduleKind.COSINE).withEpochs(s.rmEpochs()), MarginMode.NONE,
          OptionalDouble.empty())).train(sftFinal, dataset(pairs), dataset(heldOutPairs), folder("rm"),
          config("rm"), progress("rm", (long) s.rmEpochs() * ((pairs.size() + 31) / 32))));
      double fillerBonus;
      try (TransformerRewardModel proxy = TransformerRewardModel.load(rm.finalModel())) {
        fillerBonus = fillerBonus(proxy, eval.tasks());
      }
      LOG.info("demo: reward model held-out accuracy {}, length correlation {}, filler bonus {}",
          fmt(rm.evaluation().accuracy()), fmt(rm.evaluation().lengthCorrelation()), fmt(fillerBonus));

      Dataset<PromptExample> prompts = rlPrompts();
      Map<String, StageOutcome> stages = new LinkedHashMap<>();
      stages.put("sft", sftOutcome);
      List<TracePoint> traced = new ArrayList<>();
      try (TransformerRewardModel proxy = TransformerRewardModel.load(rm.finalModel())) {
        RewardSources rewards = RewardSources.of(proxy, List.of(), List.of());

        // ---- PPO ------------------------------------------------------------------------------------------------
        PpoTrainer.Result ppo = timed("ppo", () -> new PpoTrainer(ppoConfig(s.ppoBeta(), s.rlIterations(), 0))
            .train(sftFinal, rm.finalModel(), prompts, rewards, folder("ppo"), config("ppo"),
                progress("ppo", s.rlIterations())));
        stages.put("ppo", outcome("ppo", ppo.finalPolicy(), sft, eval, tokens, heldOutDemos, sftSamples,
            ppo.history()));

        // ---- GRPO -----------------------------------------------------------------------------------------------
        GrpoTrainer.Result grpo = timed("grpo", () -> new GrpoTrainer(grpoConfig()).train(sftFinal, prompts, rewards,
            folder("grpo"), config("grpo"), progress("grpo", s.rlIterations())));
        stages.put("grpo", outcome("grpo", grpo.finalPolicy(), sft, eval, tokens, heldOutDemos, sftSamples,
            grpo.history()));

        // ---- DPO on the labelled pairs -------------------------------------------------------------------------
        DpoTrainer.Result dpo = timed("dpo", () -> new DpoTrainer(new DpoConfig(args(s.dpoLearningRate(),
            s.dpoSteps(), 32, 0.1, ScheduleKind.COSINE), s.dpoBeta(),
            List.of(new WeightedDpoLoss(new DpoLossType.Sigmoid(), 1.0)), new FDivergence.ReverseKl(),
            s.maxNewTokens())).train(sftFinal, dataset(pairs), dataset(heldOutPairs), folder("dpo"),
            config("dpo"), progress("dpo", s.dpoSteps())));
        stages.put("dpo", outcome("dpo", dpo.finalModel(), sft, eval, tokens, heldOutDemos, sftSamples, List.of()));

        // ---- β = 0: the proxy is hacked ------------------------------------------------------------------------
        List<String> traceSft = trace.sample(sft.lm(), s.seed() + 3);
        TaskScores t0Scores = trace.score(traceSft);
        double[] proxy0 = proxyScores(proxy, trace, traceSft);
        traced.add(new TracePoint(0, 0, t0Scores.goldAccuracy(), mean(proxy0), t0Scores.fillerRate(),
            t0Scores.goldStandardError(), TaskScores.standardError(proxy0)));
        TrainingListener tracer = new TrainingListener() {
          @Override public void onCheckpoint(long step, Path checkpoint) {
            traced.add(tracePoint(step, checkpoint, sft, trace, proxy));
          }
        };
        PpoTrainer.Result beta0 = timed("beta0", () -> new PpoTrainer(ppoConfig(0.0, s.beta0Iterations(),
            s.traceEvery())).train(sftFinal, rm.finalModel(), prompts, rewards, folder("beta0"), config("beta0"),
            List.of(tracer, new Progress("beta0", s.beta0Iterations(), 1, 10))));
        stages.put("beta0", outcome("beta0", beta0.finalPolicy(), sft, eval, tokens, heldOutDemos, sftSamples,
            beta0.history()));
      }
      double[] d = traced.stream().mapToDouble(TracePoint::sqrtKl).toArray();
      double[] g = traced.stream().mapToDouble(TracePoint::gold).toArray();
      OveroptimizationFit fit = OveroptimizationFit.fit(d, g, traced.get(0).gold());
      double wall = (System.nanoTime() - t0) / 1e9;
      return new DemoResult(s, annotatorAccuracy, stages, rm.evaluation(), fillerBonus, traced, fit, wall, timings,
          eval);
    }
  }

  // ---- stages ----------------------------------------------------------------------------------------------------

  private PpoConfig ppoConfig(double beta, int iterations, int saveEvery) {
    RlArgs rl = new RlArgs(s.rlLearningRate(), iterations, s.rlPrompts(), s.seed(), s.maxNewTokens(), 1.0, 0, 1.0,
        beta, OptionalDouble.empty(), OptionalDouble.empty(), 0.0, ScheduleKind.CONSTANT, 1.0, 5, saveEvery, 1, 0);
    return new PpoConfig(rl, 4, 1, 0.2, 0.2, 0.1, 1.0, 0.95, KlEstimator.K1, ScorePlacement.LAST_RESPONSE_TOKEN);
  }

  private GrpoConfig grpoConfig() {
    RlArgs rl = new RlArgs(s.rlLearningRate(), s.rlIterations(), s.rlPrompts() / s.grpoGenerations(), s.seed(),
        s.maxNewTokens(), 1.0, 0, 1.0, s.grpoBeta(), OptionalDouble.empty(), OptionalDouble.empty(), 0.0,
        ScheduleKind.CONSTANT, 1.0, 5, 0, 1, 0);
    return new GrpoConfig(rl, s.grpoGenerations(), new GrpoLossType.DrGrpo(s.maxNewTokens()), 0.2, 0.2,
        OptionalDouble.empty(), RewardScaling.NONE, MultiRewardAggregation.SUM_THEN_NORMALIZE,
        ImportanceSampling.TOKEN, 2, 2);
  }

  TrainingArgs args(double lr, long steps, int batch, double warmup, ScheduleKind schedule) {
    return new TrainingArgs(lr, 1, steps, batch, 1, s.seed(), warmup, schedule, 0.0, 1.0, MAX_POSITIONS, 50, 0, 0,
        1, 0);
  }

  Path newBaseModel() throws IOException {
    Path base = out.resolve("base");
    CharTokenizerBuilder chars = new CharTokenizerBuilder().add(world.alphabet());
    chars.write(base);
    try (TransformerModel m = TransformerModel.create(BuiltinModels.tiny(chars.vocabSize(), MAX_POSITIONS, 1, 2),
        HeadKind.LANGUAGE_MODEL, WeightSource.random(s.seed()))) {
      ModelFolder.save(m, base, base, Provenance.of("built-in", "random init, seed " + s.seed(), "none", null), null);
    }
    return base;
  }

  /**
   * Two SFT samples per prompt, labelled by the simulated labellers, until {@code wanted} pairs exist; pairs whose two
   * samples are identical teach nothing and are counted and skipped.
   */
  List<PreferencePair> labelledPairs(Pretrained sft, int wanted, TaskWorld.Split split, long seed) {
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
        int[] p = sft.tokenizer().encode(t.promptText(), true);
        ids.add(p);
        ids.add(p);
      }
      List<Completion> cs = sft.lm().generate(ids, SamplingParams.sample(1.0, s.maxNewTokens()),
          seed * 977 + round++);
      for (int i = 0; i < tasks.size() && pairs.size() < wanted; i++) {
        Task t = tasks.get(i);
        String a = sft.tokenizer().decode(cs.get(2 * i).tokenIds(), true);
        String b = sft.tokenizer().decode(cs.get(2 * i + 1).tokenIds(), true);
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

  private Dataset<PromptExample> rlPrompts() {
    Random r = new Random(s.seed() + 31);
    List<PromptExample> out = new ArrayList<>();
    for (int i = 0; i < 4096; i++) {
      Task t = world.sample(r, TaskWorld.Split.TRAIN);
      out.add(new PromptExample(Text.plain(t.promptText()), Map.of("answer", t.answer())));
    }
    return new Dataset<>(out, new DataReport(out.size(), 0, 0, 0));
  }

  // ---- evaluation -------------------------------------------------------------------------------------------------

  private StageOutcome outcome(String name, Path policyFolder, Pretrained sft, TaskEvaluator eval,
      TextExampleTokenizer tokens, List<Demonstration> heldOutDemos, List<String> sftSamples,
      List<Map<String, Double>> history) throws IOException {
    try (Pretrained p = Pretrained.load(policyFolder)) {
      List<String> samples = eval.sample(p.lm(), s.seed() + name.hashCode());
      List<int[]> prompts = new ArrayList<>();
      for (Task t : eval.tasks()) {
        prompts.add(sft.tokenizer().encode(t.promptText(), true));
      }
      double kl = ReferenceKl.mean(p.lm(), sft.lm(), prompts, SamplingParams.sample(1.0, s.maxNewTokens()),
          s.seed() + 5, KernelProviders.best());
      double loss = HeldOutLoss.of(p.lm(), tokens, heldOutDemos, 64);
      TaskScores scores = eval.score(samples);
      LOG.info("demo: {} gold {} content {} filler {} KL {}", name, fmt(scores.goldAccuracy()),
          fmt(scores.contentAccuracy()), fmt(scores.fillerRate()), fmt(kl));
      return new StageOutcome(name, scores, kl, loss, eval.winRate(samples, sftSamples), timings.get(name), samples,
          history);
    }
  }

  private TracePoint tracePoint(long step, Path checkpoint, Pretrained sft, TaskEvaluator trace,
      TransformerRewardModel proxy) {
    try (Pretrained p = Pretrained.load(checkpoint)) {
      List<String> samples = trace.sample(p.lm(), s.seed() + 3);
      TaskScores scores = trace.score(samples);
      List<int[]> prompts = new ArrayList<>();
      for (Task t : trace.tasks()) {
        prompts.add(sft.tokenizer().encode(t.promptText(), true));
      }
      double kl = ReferenceKl.mean(p.lm(), sft.lm(), prompts, SamplingParams.sample(1.0, s.maxNewTokens()),
          s.seed() + 5, KernelProviders.best());
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
  private static double[] proxyScores(TransformerRewardModel proxy, TaskEvaluator eval, List<String> samples) {
    List<CompletionSample> cs = new ArrayList<>();
    for (int i = 0; i < samples.size(); i++) {
      cs.add(CompletionSample.of(eval.taskOf(i).promptText(), samples.get(i)));
    }
    return proxy.score(cs);
  }

  private static double mean(double[] values) {
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    return sum / values.length;
  }

  /** Mean reward-model score of "filler + correct answer" minus "correct answer" on held-out tasks. */
  private double fillerBonus(TransformerRewardModel proxy, List<Task> tasks) {
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

  RunFolder folder(String stage) throws IOException {
    return RunFolder.open(out.resolve(stage), RunFolder.Mode.OVERWRITE);
  }

  ObjectNode config(String stage) {
    ObjectNode o = JSON.createObjectNode();
    o.put("demo_stage", stage);
    o.set("settings", JSON.valueToTree(s));
    return o;
  }

  private static List<TrainingListener> progress(String stage, long total) {
    return List.of(new Progress(stage, total, 1, Math.max(1, total / 10)));
  }

  static <T> Dataset<T> dataset(List<T> items) {
    return new Dataset<>(items, new DataReport(items.size(), 0, 0, 0));
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
