package com.example.consumer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;
import dev.align4j.api.SamplingParams;
import dev.align4j.api.data.Completion;
import dev.align4j.api.data.Demonstration;
import dev.align4j.api.data.PreferencePair;
import dev.align4j.api.data.Prompt;
import dev.align4j.api.data.Text;
import dev.align4j.api.objective.Objective;
import dev.align4j.api.objective.ObjectiveResult;
import dev.align4j.api.objective.Scalars;
import dev.align4j.core.AlignModel;
import dev.align4j.core.AlignRewardModel;
import dev.align4j.core.dpo.DpoBatch;
import dev.align4j.core.dpo.DpoConfig;
import dev.align4j.core.dpo.DpoTrainer;
import dev.align4j.core.grpo.GrpoConfig;
import dev.align4j.core.grpo.GrpoTrainer;
import dev.align4j.core.reward.RewardConfig;
import dev.align4j.core.reward.RewardTrainer;
import dev.align4j.core.sft.SftConfig;
import dev.align4j.core.sft.SftTrainer;
import dev.align4j.core.task.Task;
import dev.align4j.core.task.TaskConfig;
import dev.align4j.core.task.TaskWorld;
import dev.align4j.core.train.ScheduleKind;
import dev.align4j.core.train.TrainingResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * SFT → reward model → GRPO → DPO (with a SimPO objective of our own) in memory, on align4j's built-in task world:
 * string and number puzzles answered by simulated annotators. Each stage must move its metric, or this fails.
 */
public final class AlignPipeline {
  public static void main(String[] args) throws Exception {
    TaskWorld world = new TaskWorld(TaskConfig.defaults());
    Random rnd = new Random(1);
    List<Demonstration> demos = new ArrayList<>();
    for (int i = 0; i < 4000; i++) {
      Task t = world.sample(rnd, TaskWorld.Split.TRAIN);
      demos.add(new Demonstration.PromptCompletion(Text.plain(t.promptText()), Text.plain(world.annotate(t, rnd))));
    }
    List<Demonstration> heldOut = new ArrayList<>();
    for (Task t : world.balanced(20, TaskWorld.Split.HELD_OUT, 2)) {
      heldOut.add(new Demonstration.PromptCompletion(Text.plain(t.promptText()), Text.plain(world.annotate(t, rnd))));
    }

    try (AlignModel base = AlignModel.builtin(world.alphabet(), 48, 1);
        TrainingResult<AlignModel> sft = SftTrainer.of(SftConfig.builder().learningRate(3e-3).maxSteps(300)
            .batchSize(64).warmupRatio(0.05).schedule(ScheduleKind.COSINE).maxLength(48).build())
            .train(base, demos, heldOut)) {
      moved("SFT held-out loss", sft.initialEval().get("eval/loss"), sft.metric("eval/loss"), -1.0);

      // Simulated labellers compare two SFT samples of a prompt (they like correct answers, and filler a little).
      List<PreferencePair> pairs = labelled(world, sft.model(), 3000, TaskWorld.Split.TRAIN, 3);
      List<PreferencePair> heldOutPairs = labelled(world, sft.model(), 400, TaskWorld.Split.HELD_OUT, 4);
      try (TrainingResult<AlignRewardModel> rm = RewardTrainer.of(RewardConfig.builder().learningRate(5e-4)
          .epochs(3).batchSize(32).maxLength(48).build()).train(sft.model(), pairs, heldOutPairs)) {
        moved("reward-model held-out accuracy", 0.5, rm.metric("eval/accuracy"), 0.05);

        List<Prompt> prompts = new ArrayList<>();
        for (int i = 0; i < 512; i++) {
          Task t = world.sample(rnd, TaskWorld.Split.TRAIN);
          prompts.add(Prompt.of(t.promptText(), Map.of("answer", t.answer())));
        }
        try (TrainingResult<AlignModel> grpo = GrpoTrainer.of(GrpoConfig.builder().learningRate(3e-5).maxSteps(30)
            .batchSize(8).numGenerations(8).maxNewTokens(12).beta(0.04).build())
            .rewardModel(rm.model())
            .rewardFunction(s -> s.completion().trim().equals(s.fields().get("answer")) ? 0.5 : 0.0)
            .train(sft.model(), prompts)) {
          moved("GRPO reward", mean(grpo, 0, 5), mean(grpo, 25, 30), 0.0);
        }
      }

      try (TrainingResult<AlignModel> dpo = DpoTrainer.of(DpoConfig.builder().learningRate(2e-4).maxSteps(60)
          .batchSize(32).maxLength(48).build()).objective(new SimPo(2.0, 0.5))
          .train(sft.model(), pairs, heldOutPairs)) {
        if (!dpo.metrics().containsKey("simpo/margin") || !dpo.metrics().containsKey("eval/simpo/accuracy")) {
          throw new IllegalStateException("the SimPO objective was not used: metrics " + dpo.metrics().keySet());
        }
        moved("SimPO held-out loss", dpo.initialEval().get("eval/loss"), dpo.metric("eval/loss"), -1.0);
        System.out.printf("SimPO held-out margin: %.3f -> %.3f%n", dpo.initialEval().get("eval/simpo/margin"),
            dpo.metric("eval/simpo/margin"));
      }
    }
    System.out.println("every stage moved its metric");
  }

  /**
   * SimPO (Meng et al. 2024, eq. 6): DPO without a reference, the log-probs averaged over each response's tokens,
   * {@code −log σ(β·(lp_c/|y_c| − lp_r/|y_r|) − γ)}.
   */
  record SimPo(double beta, double gamma) implements Objective<DpoBatch> {
    @Override
    public ObjectiveResult compute(DpoBatch in) {
      NDArray chosen = in.policyChosen().div(in.chosenLengths().orElseThrow());       // (N)
      NDArray rejected = in.policyRejected().div(in.rejectedLengths().orElseThrow());
      NDArray margin = chosen.sub(rejected);
      NDArray loss = Activation.softPlus(Scalars.mul(margin, beta).sub(gamma).neg()).mean();  // −log σ(z)
      return ObjectiveResult.of(loss, Map.of("simpo/margin", margin.stopGradient().mean(),
          "simpo/accuracy", margin.stopGradient().gt(0f).toType(DataType.FLOAT32, false).mean()));
    }
  }

  /** Two samples per prompt, the labellers' choice as chosen; identical samples are skipped. */
  static List<PreferencePair> labelled(TaskWorld world, AlignModel model, int wanted, TaskWorld.Split split,
      long seed) {
    Random r = new Random(seed);
    List<PreferencePair> pairs = new ArrayList<>();
    while (pairs.size() < wanted) {
      List<Task> tasks = new ArrayList<>();
      List<int[]> ids = new ArrayList<>();
      for (int i = 0; i < 128; i++) {
        Task t = world.sample(r, split);
        tasks.add(t);
        int[] p = model.tokenizer().prompt(Text.plain(t.promptText()));
        ids.add(p);
        ids.add(p);
      }
      List<Completion> samples = model.generate(ids, SamplingParams.sample(1.0, 12), r.nextLong());
      for (int i = 0; i < tasks.size() && pairs.size() < wanted; i++) {
        String a = model.tokenizer().decode(samples.get(2 * i).tokenIds());
        String b = model.tokenizer().decode(samples.get(2 * i + 1).tokenIds());
        if (!a.equals(b)) {
          boolean first = world.prefersFirst(tasks.get(i), a, b, r);
          pairs.add(PreferencePair.plain(tasks.get(i).promptText(), first ? a : b, first ? b : a));
        }
      }
    }
    return pairs;
  }

  /** The mean {@code reward/mean} of iterations {@code from} to {@code to} (exclusive). */
  static double mean(TrainingResult<AlignModel> r, int from, int to) {
    return r.history().subList(from, to).stream().mapToDouble(m -> m.values().get("reward/mean")).average()
        .orElseThrow();
  }

  /** Fails unless {@code after} moved past {@code before} by {@code by} in the sign of {@code by} (−1: down). */
  static void moved(String what, double before, double after, double by) {
    boolean ok = by < 0 ? after < before : after > before + by;
    System.out.printf("%s: %.3f -> %.3f%n", what, before, after);
    if (!ok) {
      throw new IllegalStateException(what + " did not move: " + before + " -> " + after);
    }
  }
}
