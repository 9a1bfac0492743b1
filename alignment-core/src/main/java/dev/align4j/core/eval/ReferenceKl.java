package dev.align4j.core.eval;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import dev.align4j.api.SamplingParams;
import dev.align4j.api.data.Completion;
import dev.align4j.api.kernel.KernelProvider;
import dev.align4j.api.TrainablePolicy;
import dev.align4j.core.runtime.DjlSetup;
import java.util.List;

/**
 * The exact sequence KL of a policy to its reference on held-out prompts: sample a completion from the policy, then
 * sum over its tokens the full-vocabulary {@code KL(π(·|x, y_<t) ‖ π_ref(·|x, y_<t))} (the {@code full_kl} kernel),
 * and average over prompts. Unlike the sampled k1 estimate it has no variance from the token draw.
 */
public final class ReferenceKl {
  private static final int BATCH = 128;

  private ReferenceKl() {}

  /**
   * @param prompts prompt token ids
   * @param sampling how the policy samples (temperature 1 measures the policy's own distribution)
   * @return the mean over prompts of the summed per-token KL, in nats
   */
  public static double mean(TrainablePolicy policy, TrainablePolicy reference, List<int[]> prompts,
      SamplingParams sampling, long seed, KernelProvider kernels) {
    if (prompts.isEmpty()) {
      return Double.NaN;
    }
    double total = 0;
    boolean gradMode = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try (NDManager m = DjlSetup.newManager()) {
      for (int start = 0; start < prompts.size(); start += BATCH) {
        List<int[]> part = prompts.subList(start, Math.min(prompts.size(), start + BATCH));
        List<Completion> completions = policy.generate(part, sampling, seed + start);
        total += batchKl(m, policy, reference, completions, kernels);
      }
    } finally {
      JniUtils.setGradMode(gradMode);
    }
    return total / prompts.size();
  }

  /** Σ over rows of the summed per-token KL, prompts left-padded and responses right-padded in one batch. */
  private static double batchKl(NDManager parent, TrainablePolicy policy, TrainablePolicy reference,
      List<Completion> completions, KernelProvider kernels) {
    int b = completions.size();
    int[][] prompts = new int[b][];
    int[][] responses = new int[b][];
    int r = 1;
    for (int i = 0; i < b; i++) {
      prompts[i] = completions.get(i).promptIds();
      responses[i] = completions.get(i).tokenIds();
      r = Math.max(r, responses[i].length);
    }
    try (NDManager m = parent.newSubManager()) {
      // (B, R, V) each: entry [b][j] predicts response token j in both models
      float[] logits = policy.responseLogits(m, List.of(prompts), List.of(responses), r).toFloatArray();
      float[] refLogits = reference.responseLogits(m, List.of(prompts), List.of(responses), r).toFloatArray();
      int vocab = logits.length / (b * r);
      float[] kl = new float[b * r];
      kernels.fullKl(logits, refLogits, b * r, vocab, kl);
      double sum = 0;
      for (int i = 0; i < b; i++) {
        for (int j = 0; j < responses[i].length; j++) {
          sum += kl[i * r + j];
        }
      }
      return sum;
    }
  }
}
