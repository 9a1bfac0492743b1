package dev.align4j.api.kernel;

/**
 * The no-grad kernels that run on rollouts, over flat row-major {@code float} buffers with explicit shapes.
 *
 * <p>Every method validates its arguments ({@link KernelArgs}) and throws {@link IllegalArgumentException} naming the
 * argument, the constraint and the value: array lengths that do not match the shape, masks holding anything but 0 or
 * 1, non-finite rewards. Outputs are written into caller-owned arrays so that a steady-state call allocates nothing.
 * Optional outputs may be {@code null}. Implementations must agree with the conformance vectors of the matching op
 * (see the README of {@code shared/conformance}) within their tolerances.
 *
 * <p>Implementations: the pure-Java CPU provider in {@code alignment-core} and the CUDA provider in
 * {@code alignment-cuda}; {@link KernelProviders#best()} picks one.
 */
public interface KernelProvider {

  /** A short stable name, e.g. {@code "cpu"} or {@code "cuda"}; used in logs and by the selection property. */
  String name();

  /**
   * Whether this provider can run here (a CUDA provider without a device answers false). Must not throw.
   */
  default boolean isUsable() {
    return true;
  }

  /** Higher wins when several providers are usable; the CPU provider has 0. */
  default int priority() {
    return 0;
  }

  /**
   * Log-probability of each token under a softmax of its row: op {@code token_logprobs}.
   *
   * @param logits {@code [rows][vocab]}
   * @param tokens {@code [rows]}, each in {@code [0, vocab)}; {@code logits} row {@code r} scores {@code tokens[r]}
   * @param temperature logits are divided by it first; must be > 0
   * @param out {@code [rows]}: {@code x[tok] − logsumexp(x)} with {@code x = logits/temperature}
   */
  void tokenLogprobs(float[] logits, int[] tokens, int rows, int vocab, float temperature, float[] out);

  /**
   * Entropy of each row's softmax in nats: op {@code entropy}.
   *
   * @param logits {@code [rows][vocab]}
   * @param out {@code [rows]}
   */
  void entropy(float[] logits, int rows, int vocab, float temperature, float[] out);

  /**
   * Exact full-vocabulary KL(p ‖ q) per row, {@code p = softmax(logits)}, {@code q = softmax(refLogits)}:
   * op {@code full_kl}.
   *
   * @param logits {@code [rows][vocab]} of the policy
   * @param refLogits {@code [rows][vocab]} of the reference
   * @param out {@code [rows]}
   */
  void fullKl(float[] logits, float[] refLogits, int rows, int vocab, float[] out);

  /**
   * Per-token KL estimate from sampled-token log-probs: op {@code kl_per_token}.
   *
   * @param logprobs {@code [n]} under the policy
   * @param refLogprobs {@code [n]} under the reference
   * @param mask {@code [n]} or {@code null} for all valid; masked positions get exactly 0
   * @param out {@code [n]}
   */
  void klPerToken(float[] logprobs, float[] refLogprobs, float[] mask, int n, KlEstimator estimator, float[] out);

  /**
   * PPO's per-token rewards: op {@code kl_penalized_rewards}.
   *
   * @param scores {@code [batch]} sequence-level scores (finite)
   * @param logprobs {@code [batch][time]}
   * @param refLogprobs {@code [batch][time]}
   * @param mask {@code [batch][time]}, a right-padded prefix {@code 1…1 0…0} per row (rows may be empty)
   * @param containEos {@code [batch]} 0/1, required when a missing-EOS penalty is set, else may be {@code null}
   * @param rewardsOut {@code [batch][time]}
   * @param klOut {@code [batch][time]} or {@code null}; exactly 0 past each row's length
   * @param scoreIndexOut {@code [batch]} or {@code null}: where each score landed
   */
  void klPenalizedRewards(KlPenalty params, float[] scores, float[] logprobs, float[] refLogprobs, float[] mask,
      float[] containEos, int batch, int time, float[] rewardsOut, float[] klOut, int[] scoreIndexOut);

  /**
   * Generalised advantage estimation with whitened advantages: op {@code gae}.
   *
   * @param rewards {@code [batch][time]} per-token rewards (finite)
   * @param values {@code [batch][time]} value predictions (anything on padding)
   * @param mask {@code [batch][time]} right-padded response mask; at least 2 valid positions in all
   * @param advantagesOut {@code [batch][time]} whitened advantages, 0 where the mask is 0
   * @param rawAdvantagesOut {@code [batch][time]} or {@code null}: advantages before whitening
   * @param returnsOut {@code [batch][time]} or {@code null}: raw advantages plus masked values
   */
  void gae(GaeParams params, float[] rewards, float[] values, float[] mask, int batch, int time,
      float[] advantagesOut, float[] rawAdvantagesOut, float[] returnsOut);

  /**
   * Batch-global whitening with the unbiased variance: op {@code whiten}. Every position is transformed, masked ones
   * too.
   *
   * @param values {@code [n]}
   * @param mask {@code [n]} with at least 2 ones
   * @param out {@code [n]}
   */
  void whiten(float[] values, float[] mask, int n, Whitening whitening, float[] out);

  /**
   * GRPO group-relative advantages for one reward function: op {@code grpo_advantages}.
   *
   * @param rewards {@code [count]}, groups of {@code params.groupSize()} contiguous completions; finite
   * @param out {@code [count]}; an all-equal group gives exactly 0
   */
  void groupAdvantages(GroupAdvantageParams params, float[] rewards, int count, float[] out);

  /**
   * GRPO group-relative advantages for several reward functions: op {@code grpo_advantages} with
   * {@code rewards_per_func}.
   *
   * @param rewardsPerFunc {@code [count][functions]}; finite
   * @param out {@code [count]}
   */
  void groupAdvantages(GroupAdvantageParams params, float[] rewardsPerFunc, int count, int functions, float[] out);
}
