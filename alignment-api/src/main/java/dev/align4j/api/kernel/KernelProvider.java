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

  /**
   * A short stable name, e.g. {@code "cpu"} or {@code "cuda"}; used in logs and by the selection property.
   *
   * @return the name, in lower case: {@link KernelProviders#select} lower-cases the wanted name (the value of
   *     {@value KernelProviders#PROPERTY}) before comparing
   */
  String name();

  /**
   * Whether this provider can run here (a CUDA provider without a device answers false). Must not throw.
   *
   * @return whether calls can run; the default, for providers with no native dependency, is {@code true}
   */
  default boolean isUsable() {
    return true;
  }

  /**
   * Higher wins when several providers are usable; the CPU provider has 0.
   *
   * @return the priority; the default is 0, and the CUDA provider answers 100 on a device
   */
  default int priority() {
    return 0;
  }

  /**
   * Log-probability of each token under a softmax of its row: op {@code token_logprobs}.
   *
   * @param logits {@code [rows][vocab]}
   * @param tokens {@code [rows]}, each in {@code [0, vocab)}; {@code logits} row {@code r} scores {@code tokens[r]}
   * @param rows the number of rows (e.g. {@code B·T} flattened positions), at least 0
   * @param vocab the vocabulary size, at least 1
   * @param temperature logits are divided by it first; must be > 0
   * @param out {@code [rows]}: {@code x[tok] − logsumexp(x)} with {@code x = logits/temperature}
   */
  void tokenLogprobs(float[] logits, int[] tokens, int rows, int vocab, float temperature, float[] out);

  /**
   * Entropy of each row's softmax in nats: op {@code entropy}.
   *
   * @param logits {@code [rows][vocab]}
   * @param rows the number of rows, at least 0
   * @param vocab the vocabulary size, at least 1
   * @param temperature logits are divided by it before the softmax, as at sampling time; must be > 0
   * @param out {@code [rows]}: {@code −Σ_v p_v log p_v} with {@code p = softmax(logits/temperature)}
   */
  void entropy(float[] logits, int rows, int vocab, float temperature, float[] out);

  /**
   * Exact full-vocabulary KL(p ‖ q) per row, {@code p = softmax(logits)}, {@code q = softmax(refLogits)}:
   * op {@code full_kl}.
   *
   * @param logits {@code [rows][vocab]} of the policy
   * @param refLogits {@code [rows][vocab]} of the reference
   * @param rows the number of rows, at least 0
   * @param vocab the vocabulary size, at least 1; both softmaxes are over the same vocabulary, at temperature 1
   * @param out {@code [rows]}
   */
  void fullKl(float[] logits, float[] refLogits, int rows, int vocab, float[] out);

  /**
   * Per-token KL estimate from sampled-token log-probs: op {@code kl_per_token}.
   *
   * @param logprobs {@code [n]} under the policy
   * @param refLogprobs {@code [n]} under the reference
   * @param mask {@code [n]} or {@code null} for all valid; masked positions get exactly 0
   * @param n the number of tokens, at least 0
   * @param estimator k1, k2 or k3 (see {@link KlEstimator}); not null
   * @param out {@code [n]}
   */
  void klPerToken(float[] logprobs, float[] refLogprobs, float[] mask, int n, KlEstimator estimator, float[] out);

  /**
   * PPO's per-token rewards: op {@code kl_penalized_rewards}.
   *
   * @param params β, the estimator (K1 or K3), the score placement and the optional missing-EOS penalty
   * @param scores {@code [batch]} sequence-level scores (finite)
   * @param logprobs {@code [batch][time]}
   * @param refLogprobs {@code [batch][time]}
   * @param mask {@code [batch][time]}, a right-padded prefix {@code 1…1 0…0} per row (rows may be empty)
   * @param containEos {@code [batch]} 0/1, required when a missing-EOS penalty is set, else may be {@code null}
   * @param batch the number of rows, at least 0
   * @param time the padded response width, at least 1
   * @param rewardsOut {@code [batch][time]}
   * @param klOut {@code [batch][time]} or {@code null}; exactly 0 past each row's length
   * @param scoreIndexOut {@code [batch]} or {@code null}: where each score landed
   */
  void klPenalizedRewards(KlPenalty params, float[] scores, float[] logprobs, float[] refLogprobs, float[] mask,
      float[] containEos, int batch, int time, float[] rewardsOut, float[] klOut, int[] scoreIndexOut);

  /**
   * Generalised advantage estimation with whitened advantages: op {@code gae}.
   *
   * @param params γ, λ, the reward whitening and the score placement (which decides the value mask)
   * @param rewards {@code [batch][time]} per-token rewards (finite)
   * @param values {@code [batch][time]} value predictions (anything on padding)
   * @param mask {@code [batch][time]} right-padded response mask; at least 2 valid positions in all
   * @param batch the number of rows, at least 0
   * @param time the padded response width, at least 1
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
   * @param mask {@code [n]} with at least 2 ones; it selects the positions the mean and variance are taken over
   * @param n the number of values, at least 0
   * @param whitening whether the mean is removed ({@link Whitening#CENTER}) or kept ({@link Whitening#KEEP_MEAN})
   * @param out {@code [n]}: {@code (v − μ) / sqrt(var + 1e-8)}, plus {@code μ} with {@code KEEP_MEAN}
   */
  void whiten(float[] values, float[] mask, int n, Whitening whitening, float[] out);

  /**
   * GRPO group-relative advantages for one reward function: op {@code grpo_advantages}.
   *
   * @param params the group size and the standard-deviation scaling; aggregation and weights are not used
   * @param rewards {@code [count]}, groups of {@code params.groupSize()} contiguous completions; finite
   * @param count the number of completions, a positive multiple of {@code params.groupSize()}
   * @param out {@code [count]}; an all-equal group gives exactly 0
   */
  void groupAdvantages(GroupAdvantageParams params, float[] rewards, int count, float[] out);

  /**
   * GRPO group-relative advantages for several reward functions: op {@code grpo_advantages} with
   * {@code rewards_per_func}.
   *
   * @param params the group size, the scaling, how the functions combine and their weights (none, or one per
   *     function)
   * @param rewardsPerFunc {@code [count][functions]}; finite
   * @param count the number of completions, a positive multiple of {@code params.groupSize()}
   * @param functions the number of reward functions, at least 1
   * @param out {@code [count]}
   */
  void groupAdvantages(GroupAdvantageParams params, float[] rewardsPerFunc, int count, int functions, float[] out);
}
