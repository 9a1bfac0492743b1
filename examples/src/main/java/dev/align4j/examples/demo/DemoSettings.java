package dev.align4j.examples.demo;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * The sizes and hyper-parameters of a demo run. {@link #full} follows issue 6's calibration prototype; {@link #quick}
 * is the same pipeline at a fraction of the work.
 *
 * @param seed the run's seed (default 1)
 * @param sftExamples annotator demonstrations
 * @param sftSteps SFT optimizer steps
 * @param sftBatch SFT batch
 * @param sftLearningRate SFT peak learning rate (AdamW, warm-up, cosine)
 * @param rmPairs labelled pairs of two different SFT samples of a prompt (training)
 * @param rmHeldOutPairs labelled pairs of held-out prompts (reward-model evaluation, DPO evaluation)
 * @param rmEpochs reward-model epochs
 * @param rmLearningRate reward-model learning rate
 * @param rlIterations PPO and GRPO iterations
 * @param rlPrompts prompts per RL iteration
 * @param grpoGenerations GRPO completions per prompt
 * @param rlLearningRate PPO and GRPO learning rate
 * @param ppoBeta PPO's KL coefficient
 * @param grpoBeta GRPO's KL coefficient
 * @param dpoSteps DPO optimizer steps
 * @param dpoLearningRate DPO learning rate
 * @param dpoBeta DPO's β
 * @param beta0Iterations iterations of the unleashed (β = 0) run
 * @param traceEvery evaluate the β = 0 run every this many iterations
 * @param evalPerFamily held-out prompts per family in the final evaluations
 * @param evalSamples samples per held-out prompt
 * @param tracePerFamily held-out prompts per family at each trace point
 * @param maxNewTokens completion budget
 * @param caiRounds critique–revision rounds of the Constitutional AI part (the paper ran four)
 * @param caiJudgeBias the world judge's position bias in the Constitutional AI part, as a logit toward the answer
 *     shown first (0 is none), so that the labeller diagnostics have a bias to find and both orders one to cancel
 * @param loop the loop part's sizes
 */
public record DemoSettings(long seed, int sftExamples, int sftSteps, int sftBatch, double sftLearningRate,
    int rmPairs, int rmHeldOutPairs, int rmEpochs, double rmLearningRate, int rlIterations, int rlPrompts, int grpoGenerations,
    double rlLearningRate, double ppoBeta, double grpoBeta, int dpoSteps, double dpoLearningRate, double dpoBeta,
    int beta0Iterations, int traceEvery, int evalPerFamily, int evalSamples, int tracePerFamily, int maxNewTokens,
    int caiRounds, double caiJudgeBias, LoopDemoSettings loop) {
  public DemoSettings {
    checkArgument(sftSteps >= 1 && rlIterations >= 1 && beta0Iterations >= traceEvery && traceEvery >= 1,
        "demo settings need positive step counts and beta0Iterations >= traceEvery");
    checkArgument(evalPerFamily >= 1 && evalSamples >= 1, "evaluation needs prompts and samples");
    checkArgument(caiRounds >= 1, "caiRounds must be >= 1, got %s", caiRounds);
    checkArgument(Double.isFinite(caiJudgeBias), "caiJudgeBias must be finite, got %s", caiJudgeBias);
    checkArgument(loop != null, "loop settings missing");
  }

  /** The full demo: SFT 2,500 × 64, RM on ~7k pairs, 60 RL iterations, evaluation on 400 × 2 held-out samples. */
  public static DemoSettings full(long seed) {
    return new DemoSettings(seed, 20_000, 2500, 64, 3e-3, 10_000, 1000, 3, 5e-4, 60, 64, 8, 3e-5, 0.05, 0.04, 300,
        5e-5, 0.3, 100, 10, 134, 2, 50, 12, 4, 1.0, new LoopDemoSettings(4, 30, 1000, 250, 256, 4, 0.0, 50));
  }

  /** The quick demo: the same stages and outputs at a fraction of the work (under two minutes). */
  public static DemoSettings quick(long seed) {
    return new DemoSettings(seed, 4000, 300, 64, 3e-3, 600, 200, 1, 5e-4, 10, 32, 4, 3e-5, 0.05, 0.04, 40, 5e-5,
        0.3, 20, 5, 25, 2, 15, 12, 2, 1.0, new LoopDemoSettings(2, 10, 200, 100, 64, 4, 0.0, 15));
  }
}
