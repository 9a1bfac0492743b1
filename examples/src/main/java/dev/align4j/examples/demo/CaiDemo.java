package dev.align4j.examples.demo;

import dev.align4j.api.SamplingParams;
import dev.align4j.api.data.Completion;
import dev.align4j.api.data.Demonstration;
import dev.align4j.api.data.PreferencePair;
import dev.align4j.api.data.Prompt;
import dev.align4j.api.data.Text;
import dev.align4j.api.judge.CandidatePair;
import dev.align4j.api.judge.Constitution;
import dev.align4j.api.judge.Outcome;
import dev.align4j.core.AlignModel;
import dev.align4j.core.AlignRewardModel;
import dev.align4j.core.cai.ConstitutionFiles;
import dev.align4j.core.cai.ConstitutionalLabeller;
import dev.align4j.core.cai.CritiqueRevision;
import dev.align4j.core.cai.LabelFiles;
import dev.align4j.core.cai.LabellerReport;
import dev.align4j.core.cai.PairLabel;
import dev.align4j.core.cai.RevisionFiles;
import dev.align4j.core.cai.RevisionRecord;
import dev.align4j.core.cai.RevisionTask;
import dev.align4j.core.data.LabelRequest;
import dev.align4j.core.eval.TaskEvaluator;
import dev.align4j.core.reward.LabelMode;
import dev.align4j.core.reward.RewardEvaluation;
import dev.align4j.core.task.Task;
import dev.align4j.core.task.TaskConfig;
import dev.align4j.core.task.TaskWorld;
import dev.align4j.core.task.WorldJudge;
import dev.align4j.core.task.WorldReviser;
import dev.align4j.core.train.TrainingResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's Constitutional AI part, on the built-in world under its constitution ({@code correct}, {@code
 * no-filler}, {@code concise}):
 * <pre>
 * annotators → demonstrations ─┬─ SFT_raw
 *                              └─ world reviser, R critique–revision rounds → SFT_cai
 * two SFT_raw samples per prompt ─┬─ simulated people label → RM_human ─ GRPO
 *                                 └─ world judge (position-biased, both orders, soft) → RM_cai ─ GRPO
 * held-out pairs that gold decides: RM accuracy, length correlation, filler bonus; the judge with one order and both
 * </pre>
 * The people's labels carry the world's taste for filler; the constitution's judge does not share it but makes its own
 * errors (85 % right on correctness) and prefers the first-shown answer. The table says which wins.
 */
public final class CaiDemo {
  private static final Logger LOG = LoggerFactory.getLogger(CaiDemo.class);

  private final DemoSettings s;
  private final Path out;
  private final TaskWorld world = new TaskWorld(TaskConfig.defaults());

  /**
   * @param settings the demo's sizes (the same SFT, reward-model and GRPO settings as the main part)
   * @param out the part's folder (each stage's run folder, revise/, label/)
   */
  public CaiDemo(DemoSettings settings, Path out) {
    this.s = settings;
    this.out = out;
  }

  /** Runs the part. */
  public CaiResult run() throws IOException {
    long t0 = System.nanoTime();
    dev.align4j.core.runtime.DjlSetup.setIntraOpThreads(1);
    DemoPipeline p = new DemoPipeline(s, out);
    Constitution constitution = ConstitutionFiles.builtinWorld();

    // ---- the supervised phase: the annotators' demonstrations, critiqued and revised ------------------------------
    // Drawn exactly as the main part draws them, so SFT_raw is the main part's SFT.
    DemoPipeline.DemoData data = p.draw();
    List<Task> demoTasks = data.tasks();
    List<String> demoAnswers = data.answers();
    List<Demonstration> heldOutDemos = data.heldOut();
    CritiqueRevision phase = CritiqueRevision.of(constitution, WorldReviser.defaults(world, s.seed()),
        CritiqueRevision.Settings.builder().rounds(s.caiRounds()).seed(s.seed()).build());
    List<RevisionTask> tasks = new ArrayList<>();
    for (int i = 0; i < demoTasks.size(); i++) {
      tasks.add(new RevisionTask("demo-" + i, Text.plain(demoTasks.get(i).promptText()), demoAnswers.get(i)));
    }
    List<RevisionRecord> records = phase.run(tasks);
    RevisionFiles.write(out.resolve("revise"), phase, records);
    List<Demonstration> raw = new ArrayList<>();
    List<Demonstration> revised = new ArrayList<>();
    int rawGold = 0;
    int revisedGold = 0;
    int dropped = 0;
    for (int i = 0; i < records.size(); i++) {
      Task t = demoTasks.get(i);
      raw.add(new Demonstration.PromptCompletion(Text.plain(t.promptText()), Text.plain(demoAnswers.get(i))));
      rawGold += world.judge(t, demoAnswers.get(i)).gold() ? 1 : 0;
      if (records.get(i).revision().isEmpty()) {
        dropped++;
        continue;
      }
      String r = records.get(i).revision().get();
      revised.add(new Demonstration.PromptCompletion(Text.plain(t.promptText()), Text.plain(r)));
      revisedGold += world.judge(t, r).gold() ? 1 : 0;
    }
    CaiResult.Demonstrations demonstrations = new CaiResult.Demonstrations(raw.size(),
        rawGold / (double) raw.size(), revised.size(), revisedGold / (double) Math.max(1, revised.size()), dropped,
        s.caiRounds());
    LOG.info("cai: demonstrations gold {} -> {} after {} rounds ({} dropped)", DemoPipeline.fmt(
        demonstrations.rawGold()), DemoPipeline.fmt(demonstrations.revisedGold()), s.caiRounds(), dropped);

    try (AlignModel base = p.newBaseModel();
        AlignModel sftRaw = p.sft(base, raw, heldOutDemos, "sft_raw");
        AlignModel sftCai = p.sft(base, revised, heldOutDemos, "sft_cai")) {
      TaskEvaluator eval = new TaskEvaluator(world, sftRaw.tokenizer(),
          world.balanced(s.evalPerFamily(), TaskWorld.Split.HELD_OUT, s.seed() + 7), s.evalSamples(),
          s.maxNewTokens(), 256);
      Map<String, StageOutcome> stages = new LinkedHashMap<>();
      List<String> rawSamples = eval.sample(sftRaw, s.seed());
      stages.put("sft_raw", new StageOutcome("sft_raw", eval.score(rawSamples), 0,
          dev.align4j.core.eval.HeldOutLoss.of(sftRaw, heldOutDemos, 64), 0.5,
          p.timings().getOrDefault("sft_raw", 0.0), rawSamples, List.of()));
      stages.put("sft_cai", p.outcome("sft_cai", sftCai, sftRaw, eval, heldOutDemos, rawSamples, List.of()));

      // ---- the preference phase: the same SFT_raw pairs, labelled by people and by the constitution's judge -------
      List<Sampled> trainPairs = samplePairs(sftRaw, s.rmPairs(), TaskWorld.Split.TRAIN, s.seed() + 21, false);
      List<Sampled> goldPairs = samplePairs(sftRaw, s.rmHeldOutPairs(), TaskWorld.Split.HELD_OUT, s.seed() + 22,
          true);
      Random people = new Random(s.seed() + 23);
      List<PreferencePair> humanPairs = new ArrayList<>();
      for (Sampled x : trainPairs) {
        boolean first = world.prefersFirst(x.task(), x.a(), x.b(), people);
        humanPairs.add(PreferencePair.plain(x.task().promptText(), first ? x.a() : x.b(), first ? x.b() : x.a()));
      }
      WorldJudge judge = new WorldJudge(world, WorldJudge.Settings.defaults().withPositionBias(s.caiJudgeBias()));
      // Every principle asked and averaged (the paper samples one per label): with one, two thirds of the pairs are
      // ones its principle cannot order (both wrong, or both without filler) and come back as ties, which teach the
      // reward model nothing.
      ConstitutionalLabeller.Settings labelling = ConstitutionalLabeller.Settings.builder().seed(s.seed())
          .principlesPerPair(constitution.principles().size()).build();
      ConstitutionalLabeller labeller = ConstitutionalLabeller.of(constitution, judge, labelling);
      List<PairLabel> labels = labeller.labelAll(requests(trainPairs));
      LabellerReport trainReport = LabellerReport.of(labels);
      LabelFiles.write(out.resolve("label"), labeller, labels, trainReport, "none");
      List<PreferencePair> caiPairs = new ArrayList<>();
      for (PairLabel l : labels) {
        if (l.outcome() instanceof Outcome.Preferred pref) {
          boolean first = pref.pFirst() >= 0.5;
          CandidatePair c = l.pair();
          caiPairs.add(PreferencePair.plain(((Text.Plain) c.prompt()).text(), first ? c.first() : c.second(),
              first ? c.second() : c.first()).withPChosen(first ? pref.pFirst() : 1 - pref.pFirst()));
        }
      }
      LOG.info("cai: labeller on the training pairs: {}", trainReport.summary());

      // The judge's diagnostics on pairs gold decides, asked in one order and in both.
      List<LabelRequest> heldOut = requests(goldPairs);
      LabellerReport oneOrder = LabellerReport.of(ConstitutionalLabeller.of(constitution, judge,
          labelling.toBuilder().bothOrders(false).build()).labelAll(heldOut));
      LabellerReport bothOrders = LabellerReport.of(labeller.labelAll(heldOut));
      LOG.info("cai: labeller on gold-decided held-out pairs, one order: {}", oneOrder.summary());
      LOG.info("cai: labeller on gold-decided held-out pairs, both orders: {}", bothOrders.summary());

      List<PreferencePair> goldLabelled = new ArrayList<>();
      for (Sampled x : goldPairs) {
        boolean first = world.judge(x.task(), x.a()).gold();
        goldLabelled.add(PreferencePair.plain(x.task().promptText(), first ? x.a() : x.b(), first ? x.b() : x.a()));
      }
      List<Prompt> prompts = p.rlPrompts();
      Map<String, CaiResult.RewardModelScores> rms = new LinkedHashMap<>();
      for (String who : List.of("human", "cai")) {
        boolean cai = who.equals("cai");
        try (TrainingResult<AlignRewardModel> rm = p.rewardModel("rm_" + who, sftRaw, cai ? caiPairs : humanPairs,
            goldLabelled, cai ? LabelMode.SOFT : LabelMode.HARD)) {
          RewardEvaluation e = RewardEvaluation.from(rm.metrics());
          rms.put(who, new CaiResult.RewardModelScores(cai ? caiPairs.size() : humanPairs.size(), e.accuracy(),
              e.lengthCorrelation(), p.fillerBonus(rm.model(), eval.tasks())));
          LOG.info("cai: RM_{} gold accuracy {}, length correlation {}, filler bonus {}", who,
              DemoPipeline.fmt(e.accuracy()), DemoPipeline.fmt(e.lengthCorrelation()),
              DemoPipeline.fmt(rms.get(who).fillerBonus()));
          try (TrainingResult<AlignModel> grpo = p.grpo("grpo_" + who, sftRaw, rm.model(), prompts)) {
            stages.put("grpo_" + who, p.outcome("grpo_" + who, grpo.model(), sftRaw, eval, heldOutDemos,
                rawSamples, grpo.history()));
          }
        }
      }
      double wall = (System.nanoTime() - t0) / 1e9;
      return new CaiResult(s, demonstrations, stages, rms, goldLabelled.size(), trainReport, oneOrder, bothOrders,
          wall, new LinkedHashMap<>(p.timings()));
    }
  }

  /** Two different completions of one task, both from SFT_raw. */
  private record Sampled(Task task, String a, String b) {}

  /**
   * Two SFT_raw samples per prompt until {@code wanted} pairs exist; identical samples are skipped, and with {@code
   * goldDecides} so are pairs whose samples are both gold or both not (gold cannot order them).
   */
  private List<Sampled> samplePairs(AlignModel sft, int wanted, TaskWorld.Split split, long seed,
      boolean goldDecides) {
    Random r = new Random(seed);
    List<Sampled> out = new ArrayList<>();
    int skipped = 0;
    for (int round = 0; out.size() < wanted; round++) {
      List<Task> tasks = new ArrayList<>();
      List<int[]> ids = new ArrayList<>();
      for (int i = 0; i < 128; i++) {
        Task t = world.sample(r, split);
        tasks.add(t);
        int[] prompt = sft.tokenizer().prompt(Text.plain(t.promptText()));
        ids.add(prompt);
        ids.add(prompt);
      }
      List<Completion> cs = sft.generate(ids, SamplingParams.sample(1.0, s.maxNewTokens()), seed * 977 + round);
      for (int i = 0; i < tasks.size() && out.size() < wanted; i++) {
        Task t = tasks.get(i);
        String a = sft.tokenizer().decode(cs.get(2 * i).tokenIds());
        String b = sft.tokenizer().decode(cs.get(2 * i + 1).tokenIds());
        if (a.equals(b) || (goldDecides && world.judge(t, a).gold() == world.judge(t, b).gold())) {
          skipped++;
          continue;
        }
        out.add(new Sampled(t, a, b));
      }
      if (round > 1000) {
        throw new IllegalStateException("cai: cannot find " + wanted + " " + split + " pairs (" + out.size()
            + " after " + skipped + " skipped)");
      }
    }
    LOG.info("cai: {} {} pairs, {} skipped ({})", out.size(), split.name().toLowerCase(java.util.Locale.ROOT),
        skipped, goldDecides ? "identical, or gold cannot order them" : "identical");
    return out;
  }

  /** The pairs as the labeller's requests; the reference label is gold's where gold orders the two. */
  private List<LabelRequest> requests(List<Sampled> pairs) {
    List<LabelRequest> out = new ArrayList<>();
    for (int i = 0; i < pairs.size(); i++) {
      Sampled x = pairs.get(i);
      boolean goldA = world.judge(x.task(), x.a()).gold();
      boolean goldB = world.judge(x.task(), x.b()).gold();
      OptionalInt reference = goldA == goldB ? OptionalInt.empty() : OptionalInt.of(goldA ? 0 : 1);
      out.add(new LabelRequest(new CandidatePair("pair-" + i, Text.plain(x.task().promptText()), x.a(), x.b()),
          reference));
    }
    return out;
  }
}
