// What one thread of each kernel does, as __host__ __device__ functions of (block, thread, threads): the GPU kernels
// in kernels.cu and the host emulation in host_emulation.cu call these same functions, so they differ only in how
// threads are scheduled and how collectives are carried out (collectives.cuh).
#pragma once

#include "collectives.cuh"
#include "kernel_math.cuh"

namespace a4j {

#ifdef __CUDA_ARCH__
// Full unrolling of the constant-trip batch loops below (the host compiler does not know the pragma).
#define A4J_UNROLL _Pragma("unroll")
#else
#define A4J_UNROLL
#endif

// float4 loads issued per thread before their values are used: the branchy online updates keep the compiler from
// hoisting loads across iterations by itself, and a memory-bound row kernel needs several loads in flight per thread.
constexpr int SOFTMAX_BATCH = 4;  // 4 × 16 bytes
constexpr int KL_BATCH = 2;       // 2 × (16 + 16) bytes

#ifdef __CUDA_ARCH__
// Logits are read once: stream them past L1 and evict them from L2 first.
A4J_HD float4 load_streaming(const float4* p) { return __ldcs(p); }
#else
A4J_HD float4 load_streaming(const float4* p) { return *p; }
#endif

// Threads per block for work of n items per row: a multiple of 32, at least 32, at most 256, about n/per_thread.
inline int row_threads(int64_t n, int per_thread) {
  int64_t want = (n + per_thread - 1) / per_thread;
  int64_t threads = (want + WARP - 1) / WARP * WARP;
  if (threads < WARP) threads = WARP;
  if (threads > 256) threads = 256;
  return (int)threads;
}

// Threads per block and blocks of the batch-statistics kernels (deterministic: the split depends on n alone).
constexpr int STATS_THREADS = 256;
inline int stats_blocks(int64_t n) {
  int64_t blocks = (n + STATS_THREADS * 16 - 1) / (STATS_THREADS * 16);
  if (blocks < 1) blocks = 1;
  if (blocks > 1024) blocks = 1024;
  return (int)blocks;
}

// ---------------------------------------------------------------------------------------------------------------
// token_logprobs / entropy: one block per row. Thread `tid` reads elements tid, tid + threads, … of the row, four
// at a time once the row is 16-byte aligned (a scalar head and tail cover the rest).
// Must equal SoftmaxRows#tokenLogprob and SoftmaxRows#entropy after the block's merge.
template <bool ENTROPY>
A4J_HD SoftmaxState softmax_row_partial(const float* row, int vocab, float inv_t, int tid, int threads) {
  SoftmaxState st = softmax_empty();
  int head = aligned_head(row, vocab);
  for (int i = tid; i < head; i += threads) softmax_add<ENTROPY>(st, row[i] * inv_t);
  const float4* body = reinterpret_cast<const float4*>(row + head);
  int quads = (vocab - head) / 4;
  // Quads tid, tid + threads, tid + 2·threads, … in that order, SOFTMAX_BATCH of them loaded before any is used.
  for (int j = tid; j < quads; j += SOFTMAX_BATCH * threads) {
    float4 q[SOFTMAX_BATCH];
    A4J_UNROLL
    for (int k = 0; k < SOFTMAX_BATCH; k++) {
      if (j + k * threads < quads) q[k] = load_streaming(body + j + k * threads);
    }
    A4J_UNROLL
    for (int k = 0; k < SOFTMAX_BATCH; k++) {
      if (j + k * threads < quads) {
        softmax_add<ENTROPY>(st, q[k].x * inv_t);
        softmax_add<ENTROPY>(st, q[k].y * inv_t);
        softmax_add<ENTROPY>(st, q[k].z * inv_t);
        softmax_add<ENTROPY>(st, q[k].w * inv_t);
      }
    }
  }
  for (int i = head + 4 * quads + tid; i < vocab; i += threads) softmax_add<ENTROPY>(st, row[i] * inv_t);
  return st;
}

// Thread 0's closing step for row r, given the block's merged state.
A4J_HD void softmax_row_write(const SoftmaxState& st, const float* row, const int32_t* tokens, int r, int vocab,
                              float inv_t, float* logprobs_out, float* entropy_out) {
  if (logprobs_out != nullptr) {
    int token = tokens[r];
    logprobs_out[r] = token >= 0 && token < vocab ? token_logprob_final(st, row[token] * inv_t) : NAN;
  }
  if (entropy_out != nullptr) entropy_out[r] = entropy_final(st);
}

// ---------------------------------------------------------------------------------------------------------------
// full_kl: one block per pair of rows, both read in the same order. Must equal SoftmaxRows#fullKl after the merge.
A4J_HD KlState kl_row_partial(const float* x, const float* y, int vocab, int tid, int threads) {
  KlState st = kl_empty();
  bool same_alignment = (((uintptr_t)x ^ (uintptr_t)y) & 15) == 0;
  int head = same_alignment ? aligned_head(x, vocab) : vocab;
  for (int i = tid; i < head; i += threads) kl_add(st, x[i], y[i]);
  const float4* bx = reinterpret_cast<const float4*>(x + head);
  const float4* by = reinterpret_cast<const float4*>(y + head);
  int quads = (vocab - head) / 4;
  for (int j = tid; j < quads; j += KL_BATCH * threads) {
    float4 p[KL_BATCH];
    float4 q[KL_BATCH];
    A4J_UNROLL
    for (int k = 0; k < KL_BATCH; k++) {
      if (j + k * threads < quads) {
        p[k] = load_streaming(bx + j + k * threads);
        q[k] = load_streaming(by + j + k * threads);
      }
    }
    A4J_UNROLL
    for (int k = 0; k < KL_BATCH; k++) {
      if (j + k * threads < quads) {
        kl_add(st, p[k].x, q[k].x);
        kl_add(st, p[k].y, q[k].y);
        kl_add(st, p[k].z, q[k].z);
        kl_add(st, p[k].w, q[k].w);
      }
    }
  }
  for (int i = head + 4 * quads + tid; i < vocab; i += threads) kl_add(st, x[i], y[i]);
  return st;
}

// ---------------------------------------------------------------------------------------------------------------
// kl_per_token, element i. Must equal CpuKernelProvider#klPerToken.
A4J_HD float kl_per_token_at(const float* lp, const float* ref, const float* mask, int estimator, int64_t i) {
  if (mask != nullptr && mask[i] == 0.0f) return 0.0f;
  return (float)kl_estimate(estimator, (double)lp[i], (double)ref[i]);
}

// ---------------------------------------------------------------------------------------------------------------
// Row lengths L_b of a right-padded 0/1 mask: the number of ones in the row (one block per row).
A4J_HD int mask_ones_partial(const float* mask_row, int time, int tid, int threads) {
  int ones = 0;
  for (int t = tid; t < time; t += threads) ones += mask_row[t] != 0.0f ? 1 : 0;
  return ones;
}

// ---------------------------------------------------------------------------------------------------------------
// kl_penalized_rewards, row b of length `len`: where the score lands. Must equal AdvantageKernels#scoreIndex
// (an empty row with LAST_RESPONSE_TOKEN, which the Java provider rejects, gets −1: no score).
A4J_HD int score_index(int placement, int len, int time) {
  if (placement == A4J_AFTER_RESPONSE_TRL) return len < time ? len : time - 1;
  return len - 1;
}

struct KlRewardsArgs {
  const float* scores;
  const float* logprobs;
  const float* ref_logprobs;
  const float* contain_eos;
  int time;
  double kl_coef;
  int estimator;
  int placement;
  int has_penalty;
  double penalty;
  float* rewards_out;
  float* kl_out;
  int32_t* score_index_out;
};

// Thread `tid`'s positions of row b. Must equal AdvantageKernels#klPenalizedRewards: rewards = −β·kl in double,
// plus the (penalised) score at the score index, rounded once.
A4J_HD void kl_rewards_row(const KlRewardsArgs& a, int b, int len, int tid, int threads) {
  int64_t base = (int64_t)b * a.time;
  int j = score_index(a.placement, len, a.time);
  double score = (double)a.scores[b];
  if (a.has_penalty && a.contain_eos[b] == 0.0f) score -= a.penalty;
  for (int t = tid; t < a.time; t += threads) {
    double kl = t < len ? kl_estimate(a.estimator, (double)a.logprobs[base + t], (double)a.ref_logprobs[base + t]) : 0.0;
    if (a.kl_out != nullptr) a.kl_out[base + t] = (float)kl;
    a.rewards_out[base + t] = t == j ? (float)(-a.kl_coef * kl + score) : (float)(-a.kl_coef * kl);
  }
  if (tid == 0 && a.score_index_out != nullptr) a.score_index_out[b] = j;
}

// ---------------------------------------------------------------------------------------------------------------
// Batch statistics over a flat array: block `blk` of `blocks` takes elements blk·threads + tid, then every
// blocks·threads further. Must equal AdvantageKernels#whiten's two passes (Σ v·m and Σ m, then Σ (v − μ)²·m).
template <class T>
A4J_HD Sum2 stats_sum_partial(const T* v, const MaskView& mv, int64_t n, int blk, int blocks, int tid, int threads) {
  Sum2 s{0.0, 0.0};
  for (int64_t i = (int64_t)blk * threads + tid; i < n; i += (int64_t)blocks * threads) {
    float m = mask_at(mv, i);
    s.a += (double)(v[i] * m);
    s.b += (double)m;
  }
  return s;
}

template <class T>
A4J_HD double stats_sq_partial(const T* v, const MaskView& mv, int64_t n, double mean, int blk, int blocks, int tid,
                               int threads) {
  double sq = 0.0;
  for (int64_t i = (int64_t)blk * threads + tid; i < n; i += (int64_t)blocks * threads) {
    double d = (double)v[i] - mean;
    sq += d * d * (double)mask_at(mv, i);
  }
  return sq;
}

// Whitened value i: (v − μ)·inv, plus μ when keeping the mean; 0 where `zero_mask` is 0 when zero_outside is set
// (GAE's advantages).
A4J_HD float whiten_at(const float* v, const Stats& st, int keep_mean, const MaskView& zero_mask, int zero_outside,
                       int64_t i) {
  if (zero_outside && mask_at(zero_mask, i) == 0.0f) return 0.0f;
  double add = keep_mean ? st.mean : 0.0;
  return (float)(((double)v[i] - st.mean) * st.inv + add);
}

// ---------------------------------------------------------------------------------------------------------------
// GAE, row b: thread `tid` owns positions [t0, t1) = [tid·chunk, min(tid·chunk + chunk, T)).
// Must equal AdvantageKernels#gae's backward recursion (with rewards whitened first as AdvantageKernels#whiten does
// when asked).
struct GaeArgs {
  const float* rewards;
  const float* values;
  const float* mask;
  const int* lengths;  // row lengths, with AFTER_RESPONSE_TRL only
  int time;
  int placement;
  int whiten_rewards;
  const Stats* reward_stats;  // with whiten_rewards only
  double gamma;
  double gamma_lambda;
  float* raw_out;
  float* returns_out;
};

A4J_HD float gae_value_mask(const GaeArgs& g, int b, int t) {
  if (g.placement == A4J_AFTER_RESPONSE_TRL) return t <= g.lengths[b] ? 1.0f : 0.0f;
  return g.mask[(int64_t)b * g.time + t];
}

// v = values · vm (a float product, as the CPU kernel rounds it).
A4J_HD double gae_value(const GaeArgs& g, int b, int t) {
  return (double)(g.values[(int64_t)b * g.time + t] * gae_value_mask(g, b, t));
}

// r, or with whitened rewards (float)((r − μ)·inv + μ) · vm.
A4J_HD double gae_reward(const GaeArgs& g, int b, int t) {
  float r = g.rewards[(int64_t)b * g.time + t];
  if (!g.whiten_rewards) return (double)r;
  const Stats& st = *g.reward_stats;
  float w = (float)(((double)r - st.mean) * st.inv + st.mean);
  return (double)(w * gae_value_mask(g, b, t));
}

A4J_HD void gae_chunk_bounds(int time, int tid, int threads, int* t0, int* t1) {
  int chunk = (time + threads - 1) / threads;
  int start = tid * chunk;
  int end = start + chunk;
  *t0 = start < time ? start : time;
  *t1 = end < time ? end : time;
}

// The chunk's affine map: its recursion started from A = 0 after the chunk, and (γλ)^length.
A4J_HD Affine gae_chunk_map(const GaeArgs& g, int b, int t0, int t1) {
  double next_value = t1 < g.time ? gae_value(g, b, t1) : 0.0;
  double a = 0.0;
  double m = 1.0;
  for (int t = t1 - 1; t >= t0; t--) {
    double v = gae_value(g, b, t);
    double delta = gae_reward(g, b, t) + g.gamma * next_value - v;
    a = delta + g.gamma_lambda * a;
    m *= g.gamma_lambda;
    next_value = v;
  }
  return Affine{a, m};
}

// The chunk's recursion again, started from the true A after it, writing raw advantages and returns.
A4J_HD void gae_chunk_write(const GaeArgs& g, int b, int t0, int t1, double next_adv) {
  int64_t base = (int64_t)b * g.time;
  double next_value = t1 < g.time ? gae_value(g, b, t1) : 0.0;
  for (int t = t1 - 1; t >= t0; t--) {
    double v = gae_value(g, b, t);
    double delta = gae_reward(g, b, t) + g.gamma * next_value - v;
    double a = delta + g.gamma_lambda * next_adv;
    g.raw_out[base + t] = (float)a;
    if (g.returns_out != nullptr) g.returns_out[base + t] = (float)(a + v);
    next_value = v;
    next_adv = a;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// GRPO group advantages: one warp per group of G contiguous completions; lane l takes members l, l + 32, …
// Must equal AdvantageKernels#groupAdvantages (both overloads).

// Σ_k w_k·r_ik rounded to float (the multi-function sum_then_normalize path), or r_i for a single function.
A4J_HD float weighted_reward(const float* rewards, int functions, const float* weights, int64_t i) {
  if (functions == 1 && weights == nullptr) return rewards[i];
  double s = 0.0;
  for (int k = 0; k < functions; k++) {
    double w = weights != nullptr ? (double)weights[k] : 1.0;
    s += w * (double)rewards[i * functions + k];
  }
  return (float)s;
}

// Member sums of one function's column k of a [count][functions] block starting at row `first`.
A4J_HD double group_sum_partial(const float* x, int stride, int64_t first, int size, int lane) {
  double s = 0.0;
  for (int i = lane; i < size; i += WARP) s += (double)x[(first + i) * stride];
  return s;
}

A4J_HD double group_sq_partial(const float* x, int stride, int64_t first, int size, double mean, int lane) {
  double sq = 0.0;
  for (int i = lane; i < size; i += WARP) {
    double d = (double)x[(first + i) * stride] - mean;
    sq += d * d;
  }
  return sq;
}

// AdvantageKernels#std: unbiased, 0 below two members.
A4J_HD double group_std(double sq, int size) { return size < 2 ? 0.0 : sqrt(sq / (size - 1)); }

}  // namespace a4j
