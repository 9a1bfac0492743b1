package dev.align4j.examples;

import ai.djl.ndarray.NDManager;
import dev.align4j.api.data.PreferencePair;
import dev.align4j.api.data.Text;
import dev.align4j.api.data.TokenBatch;
import dev.align4j.api.data.TokenizedSequence;
import dev.align4j.core.AlignModel;
import dev.align4j.core.dpo.DpoConfig;
import dev.align4j.core.dpo.DpoTrainer;
import dev.align4j.core.train.RunMode;
import dev.align4j.core.train.TrainingResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Example 3: DPO from the SFT model of example 1, no reward model; implicit-reward accuracy and KL to the reference. */
public final class E03_DirectPreferenceOptimization {
  private E03_DirectPreferenceOptimization() {}

  /** Settings. */
  public record Args(Path workDir, long sftSteps, long steps) {}

  /**
   * Held-out implicit-reward accuracy and margin before and after (the trainer's metrics), the same accuracy computed
   * here through the public API, the KL the policy moved from its reference, and the policy (the caller closes it).
   */
  public record Result(double rewardAccuracyBefore, double rewardAccuracy, double marginBefore, double margin,
      double checkedAccuracy, double klToReference, AlignModel model) implements AutoCloseable {
    @Override
    public void close() {
      model.close();
    }
  }

  public static Result run(Args a) throws Exception {
    try (E01_SupervisedFineTune.Result sft = E01_SupervisedFineTune.run(
        new E01_SupervisedFineTune.Args(a.workDir(), a.sftSteps(), 400))) {
      return train(sft.model(), a.workDir(), a.steps());
    }
  }

  /** Trains with DPO from an SFT model (also the reference). */
  public static Result train(AlignModel sft, Path workDir, long steps) throws Exception {
    DpoConfig config = DpoConfig.builder().learningRate(5e-4).maxSteps(steps).batchSize(16).seed(1).warmupRatio(0.1)
        .maxLength(64).saveEvery(0).beta(0.1).klMaxNewTokens(32).build();
    List<PreferencePair> heldOut = ToyTask.preferences(60, 4, ToyTask.Split.HELD_OUT);
    TrainingResult<AlignModel> r = DpoTrainer.of(config).runFolder(workDir.resolve("dpo"), RunMode.OVERWRITE)
        .train(sft, ToyTask.preferences(300, 3, ToyTask.Split.TRAIN), heldOut);
    return new Result(r.initialEval().get("eval/rewards/accuracies"), r.metric("eval/rewards/accuracies"),
        r.initialEval().get("eval/rewards/margins"), r.metric("eval/rewards/margins"),
        implicitRewardAccuracy(r.model(), sft, heldOut), r.metric("eval/kl/reference"), r.model());
  }

  /**
   * The share of pairs whose chosen side gained more log-probability over the reference than the rejected side (DPO's
   * implicit reward prefers it), from the models' token log-probs: a check of the trainer that shares none of its code.
   */
  public static double implicitRewardAccuracy(AlignModel policy, AlignModel reference, List<PreferencePair> pairs) {
    int right = 0;
    try (NDManager m = NDManager.newBaseManager()) {
      for (PreferencePair p : pairs) {
        double chosen = logprob(m, policy, p.prompt(), p.chosen()) - logprob(m, reference, p.prompt(), p.chosen());
        double rejected = logprob(m, policy, p.prompt(), p.rejected())
            - logprob(m, reference, p.prompt(), p.rejected());
        right += chosen > rejected ? 1 : 0;
      }
    }
    return right / (double) pairs.size();
  }

  /** Σ log π(response | prompt) over the response's tokens. */
  private static double logprob(NDManager m, AlignModel model, Text prompt, Text response) {
    TokenizedSequence s = model.tokenizer().promptResponse(prompt, response);
    float[] lp = model.tokenLogProbs(m, new TokenBatch(new int[][] {s.ids()}, TokenBatch.Padding.RIGHT))
        .toFloatArray();                                 // entry t predicts token t + 1
    double sum = 0;
    for (int t = 0; t < lp.length; t++) {
      sum += s.target()[t + 1] ? lp[t] : 0;
    }
    return sum;
  }

  public static void main(String[] args) throws Exception {
    Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("e03");
    try (Result r = run(new Args(dir, 300, 100))) {
      System.out.printf("held-out reward accuracy %.3f -> %.3f, KL to the reference %.3f; model in %s%n",
          r.rewardAccuracyBefore(), r.rewardAccuracy(), r.klToReference(), dir.resolve("dpo/final"));
    }
  }
}
