package dev.align4j.core.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import dev.align4j.api.SamplingParams;
import dev.align4j.api.data.Completion;
import dev.align4j.api.data.TokenBatch;
import dev.align4j.api.kernel.KernelProvider;
import dev.align4j.core.model.LanguageModel;
import dev.align4j.core.model.PaddedBatch;
import java.util.List;

/**
 * The exact sequence KL of a policy to its reference on held-out prompts: sample a completion from the policy, then
 * sum over its tokens the full-vocabulary {@code KL(π(·|x, y_<t) ‖ π_ref(·|x, y_<t))} (the {@code full_kl} kernel),
 * and average over prompts. Unlike the sampled k1 estimate it has no variance from the token draw.
 */
public final class ReferenceKl {
  private ReferenceKl() {}

  /**
   * @param prompts prompt token ids
   * @param sampling how the policy samples (temperature 1 measures the policy's own distribution)
   * @return the mean over prompts of the summed per-token KL, in nats
   */
  public static double mean(LanguageModel policy, LanguageModel reference, List<int[]> prompts,
      SamplingParams sampling, long seed, KernelProvider kernels) {
    if (prompts.isEmpty()) {
      return Double.NaN;
    }
    List<Completion> completions = policy.generate(prompts, sampling, seed);
    double total = 0;
    boolean gradMode = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try (NDManager m = policy.model().manager().newSubManager()) {
      for (Completion c : completions) {
        if (c.length() == 0) {
          continue;
        }
        int[] full = new int[c.promptIds().length + c.length()];
        System.arraycopy(c.promptIds(), 0, full, 0, c.promptIds().length);
        System.arraycopy(c.tokenIds(), 0, full, c.promptIds().length, c.length());
        try (NDManager row = m.newSubManager()) {
          TokenBatch b = new TokenBatch(new int[][] {full}, TokenBatch.Padding.RIGHT);
          // positions promptLength−1 … end−1 predict the completion tokens
          String slice = ":, " + (c.promptIds().length - 1) + ":" + (full.length - 1) + ", :";
          NDArray p = policy.model().logits(PaddedBatch.of(row, b, policy.padId(), 0).input()).get(slice);
          NDArray q = reference.model().logits(PaddedBatch.of(row, b, reference.padId(), 0).input()).get(slice);
          int vocab = (int) p.getShape().get(2);
          float[] kl = new float[c.length()];
          kernels.fullKl(p.toFloatArray(), q.toFloatArray(), c.length(), vocab, kl);
          for (float v : kl) {
            total += v;
          }
        }
      }
    } finally {
      JniUtils.setGradMode(gradMode);
    }
    return total / completions.size();
  }
}
