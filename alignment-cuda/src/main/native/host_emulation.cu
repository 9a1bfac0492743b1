// The host side of the C ABI (a4j_emu_*): each GPU kernel of kernels.cu replayed on the CPU, block after block and
// thread after thread, calling the same per-thread functions (row_kernels.cuh) with the same launch shapes and the
// same collective pairing order (collectives.cuh). It lets the tests run the conformance vectors and random
// comparisons against the CPU provider through the kernels' own code on a machine without a GPU.
//
// What it does not check: scheduling, memory coalescing, shared-memory races, the device's expf and FMA contraction
// (rounding differs in the last bits), and anything the driver does. Those need gpu-check.sh on a GPU.
#include <cuda_runtime.h>

#include <vector>

#include "align4j_cuda.h"
#include "row_kernels.cuh"

using namespace a4j;

namespace {

// The device's warp_reduce over the lanes of one group (lane l holds partial(l)), broadcast from lane 0.
template <class Partial>
double host_group_reduce(Partial partial) {
  double lanes[WARP];
  for (int lane = 0; lane < WARP; lane++) lanes[lane] = partial(lane);
  return host_warp_reduce(lanes, DoubleSum{});
}

// batch_stats of kernels.cu: per-block partials, then one block, for both passes.
template <class T>
void host_batch_stats(const T* v, const MaskView& mv, int64_t n, int mode, Stats* st) {
  int blocks = stats_blocks(n);
  std::vector<Sum2> sums(blocks);
  std::vector<double> squares(blocks);
  std::vector<Sum2> lanes2(STATS_THREADS);
  std::vector<double> lanes(STATS_THREADS);
  for (int blk = 0; blk < blocks; blk++) {
    for (int tid = 0; tid < STATS_THREADS; tid++) {
      lanes2[tid] = stats_sum_partial(v, mv, n, blk, blocks, tid, STATS_THREADS);
    }
    sums[blk] = host_block_reduce(lanes2.data(), STATS_THREADS, Sum2Merge{}, Sum2{0.0, 0.0});
  }
  Sum2Merge merge;
  for (int tid = 0; tid < STATS_THREADS; tid++) {
    Sum2 s{0.0, 0.0};
    for (int i = tid; i < blocks; i += STATS_THREADS) s = merge(s, sums[i]);
    lanes2[tid] = s;
  }
  Sum2 total = host_block_reduce(lanes2.data(), STATS_THREADS, merge, Sum2{0.0, 0.0});
  st->mean = total.a / total.b;
  st->count = total.b;
  for (int blk = 0; blk < blocks; blk++) {
    for (int tid = 0; tid < STATS_THREADS; tid++) {
      lanes[tid] = stats_sq_partial(v, mv, n, st->mean, blk, blocks, tid, STATS_THREADS);
    }
    squares[blk] = host_block_reduce(lanes.data(), STATS_THREADS, DoubleSum{}, 0.0);
  }
  for (int tid = 0; tid < STATS_THREADS; tid++) {
    double sq = 0.0;
    for (int i = tid; i < blocks; i += STATS_THREADS) sq += squares[i];
    lanes[tid] = sq;
  }
  double sq = host_block_reduce(lanes.data(), STATS_THREADS, DoubleSum{}, 0.0);
  st->inv = stats_inv(mode, sq, st->count);
}

// row_lengths_kernel / the first half of kl_rewards_kernel for row b.
int host_row_length(const float* mask, int b, int time, int threads) {
  std::vector<int> ones(threads);
  for (int tid = 0; tid < threads; tid++) ones[tid] = mask_ones_partial(mask + (int64_t)b * time, time, tid, threads);
  return host_block_reduce(ones.data(), threads, IntSum{}, 0);
}

}  // namespace

extern "C" {

A4J_OP_TOKEN_LOGPROBS_ENTROPY(a4j_emu_token_logprobs_entropy) {
  (void)stream;
  if (rows < 0 || vocab < 1) return cudaErrorInvalidValue;
  if (logprobs_out == nullptr && entropy_out == nullptr) return cudaSuccess;
  int threads = row_threads(vocab, 16);
  std::vector<SoftmaxState> st(threads);
  for (int r = 0; r < rows; r++) {
    const float* row = logits + (int64_t)r * vocab;
    for (int tid = 0; tid < threads; tid++) {
      st[tid] = entropy_out != nullptr ? softmax_row_partial<true>(row, vocab, inv_temperature, tid, threads)
                                       : softmax_row_partial<false>(row, vocab, inv_temperature, tid, threads);
    }
    SoftmaxState all = host_block_reduce(st.data(), threads, SoftmaxMerge{}, softmax_empty());
    softmax_row_write(all, row, tokens, r, vocab, inv_temperature, logprobs_out, entropy_out);
  }
  return cudaSuccess;
}

A4J_OP_FULL_KL(a4j_emu_full_kl) {
  (void)stream;
  if (rows < 0 || vocab < 1) return cudaErrorInvalidValue;
  int threads = row_threads(vocab, 16);
  std::vector<KlState> st(threads);
  for (int r = 0; r < rows; r++) {
    for (int tid = 0; tid < threads; tid++) {
      st[tid] = kl_row_partial(logits + (int64_t)r * vocab, ref_logits + (int64_t)r * vocab, vocab, tid, threads);
    }
    out[r] = kl_final(host_block_reduce(st.data(), threads, KlMerge{}, kl_empty()));
  }
  return cudaSuccess;
}

A4J_OP_KL_PER_TOKEN(a4j_emu_kl_per_token) {
  (void)stream;
  if (n < 0) return cudaErrorInvalidValue;
  for (int64_t i = 0; i < n; i++) out[i] = kl_per_token_at(logprobs, ref_logprobs, mask, estimator, i);
  return cudaSuccess;
}

A4J_OP_KL_PENALIZED_REWARDS(a4j_emu_kl_penalized_rewards) {
  (void)stream;
  if (batch < 0 || time < 1) return cudaErrorInvalidValue;
  KlRewardsArgs a{scores, logprobs, ref_logprobs, contain_eos, time,      kl_coef,      estimator,
                  placement, has_penalty, penalty, rewards_out, kl_out, score_index_out};
  int threads = row_threads(time, 4);
  for (int b = 0; b < batch; b++) {
    int len = host_row_length(mask, b, time, threads);
    for (int tid = 0; tid < threads; tid++) kl_rewards_row(a, b, len, tid, threads);
  }
  return cudaSuccess;
}

A4J_OP_GAE(a4j_emu_gae) {
  (void)stream;
  if (batch < 0 || time < 1) return cudaErrorInvalidValue;
  if (batch == 0) return cudaSuccess;
  int64_t n = (int64_t)batch * time;
  int threads = row_threads(time, 4);
  std::vector<int> lengths;
  Stats stats[2] = {};
  if (placement == A4J_AFTER_RESPONSE_TRL) {
    lengths.resize(batch);
    for (int b = 0; b < batch; b++) lengths[b] = host_row_length(mask, b, time, threads);
  }
  const int* lens = lengths.empty() ? nullptr : lengths.data();
  MaskView value_mask{mask, lens, time, placement == A4J_AFTER_RESPONSE_TRL ? MASK_UP_TO_LENGTH : MASK_PLAIN};
  if (whiten_rewards) host_batch_stats(rewards, value_mask, n, STATS_WHITEN, &stats[0]);
  std::vector<float> raw_scratch;
  if (raw_out == nullptr) {
    raw_scratch.resize(n);
    raw_out = raw_scratch.data();
  }
  GaeArgs g{rewards, values, mask, lens, time, placement, whiten_rewards, &stats[0], gamma, gamma_lambda,
            raw_out, returns_out};
  std::vector<Affine> maps(threads);
  std::vector<double> next(threads);
  for (int b = 0; b < batch; b++) {
    for (int tid = 0; tid < threads; tid++) {
      int t0, t1;
      gae_chunk_bounds(time, tid, threads, &t0, &t1);
      maps[tid] = gae_chunk_map(g, b, t0, t1);
    }
    host_next_chunk_values(maps.data(), threads, next.data());
    for (int tid = 0; tid < threads; tid++) {
      int t0, t1;
      gae_chunk_bounds(time, tid, threads, &t0, &t1);
      gae_chunk_write(g, b, t0, t1, next[tid]);
    }
  }
  MaskView response{mask, nullptr, time, MASK_PLAIN};
  host_batch_stats<float>(raw_out, response, n, STATS_WHITEN, &stats[1]);
  for (int64_t i = 0; i < n; i++) advantages_out[i] = whiten_at(raw_out, stats[1], 0, response, 1, i);
  return cudaSuccess;
}

A4J_OP_WHITEN(a4j_emu_whiten) {
  (void)stream;
  if (n < 0) return cudaErrorInvalidValue;
  if (n == 0) return cudaSuccess;
  Stats st{};
  MaskView mv{mask, nullptr, 1, MASK_PLAIN};
  host_batch_stats(values, mv, n, STATS_WHITEN, &st);
  for (int64_t i = 0; i < n; i++) out[i] = whiten_at(values, st, keep_mean, mv, 0, i);
  return cudaSuccess;
}

A4J_OP_GROUP_ADVANTAGES(a4j_emu_group_advantages) {
  (void)stream;
  if (count < 1 || functions < 1 || group_size < 1 || count % group_size != 0) return cudaErrorInvalidValue;
  int groups = count / group_size;
  Stats st{};
  MaskView all{nullptr, nullptr, 1, MASK_ALL};
  if (aggregation == A4J_NORMALIZE_THEN_SUM) {
    std::vector<double> sums(count);
    for (int group = 0; group < groups; group++) {
      int64_t first = (int64_t)group * group_size;
      for (int k = 0; k < functions; k++) {
        const float* col = rewards + k;
        double mean = host_group_reduce([&](int lane) {
                        return group_sum_partial(col, functions, first, group_size, lane);
                      }) / group_size;
        double sq = host_group_reduce([&](int lane) {
          return group_sq_partial(col, functions, first, group_size, mean, lane);
        });
        double inv = 1.0 / (group_std(sq, group_size) + STD_EPSILON);
        double w = weights != nullptr ? (double)weights[k] : 1.0;
        for (int i = 0; i < group_size; i++) {
          int64_t idx = first + i;
          double z = w * ((double)col[idx * functions] - mean) * inv;
          sums[idx] = (k == 0 ? 0.0 : sums[idx]) + z;
        }
      }
    }
    host_batch_stats<double>(sums.data(), all, count, STATS_STD, &st);
    for (int64_t i = 0; i < count; i++) out[i] = (float)((sums[i] - st.mean) * st.inv);
    return cudaSuccess;
  }
  std::vector<float> work;
  const float* r = rewards;
  if (functions > 1 || weights != nullptr) {
    work.resize(count);
    for (int64_t i = 0; i < count; i++) work[i] = weighted_reward(rewards, functions, weights, i);
    r = work.data();
  }
  if (scaling == A4J_SCALE_BATCH) host_batch_stats<float>(r, all, count, STATS_STD, &st);
  for (int group = 0; group < groups; group++) {
    int64_t first = (int64_t)group * group_size;
    double mean = host_group_reduce([&](int lane) { return group_sum_partial(r, 1, first, group_size, lane); }) /
                  group_size;
    double scale = 1.0;
    if (scaling == A4J_SCALE_GROUP) {
      double sq = host_group_reduce([&](int lane) { return group_sq_partial(r, 1, first, group_size, mean, lane); });
      scale = 1.0 / (group_std(sq, group_size) + STD_EPSILON);
    } else if (scaling == A4J_SCALE_BATCH) {
      scale = st.inv;
    }
    for (int i = 0; i < group_size; i++) out[first + i] = (float)(((double)r[first + i] - mean) * scale);
  }
  return cudaSuccess;
}

}  // extern "C"
