// The GPU side of the C ABI (align4j_cuda.h): device memory, events, and one launcher per op. Each __global__ kernel
// is a thin schedule around the per-thread functions of row_kernels.cuh; the comment on each names the CPU kernel of
// alignment-core (dev.align4j.core.kernel) that it must equal.
#include <cuda_runtime.h>

#include <mutex>

#include "align4j_cuda.h"
#include "row_kernels.cuh"

using namespace a4j;

namespace {

constexpr int ELEMENTWISE_THREADS = 256;
constexpr int GROUP_THREADS = 256;  // 8 warps: 8 groups per block

// ---------------------------------------------------------------------------------------------------- memory
// Allocations go through the device's stream-ordered pool when it has one: freed blocks stay cached in the pool
// (release threshold raised to "never"), so a provider call that allocates its buffers costs no cudaMalloc in steady
// state.
std::once_flag pool_once;
bool pool_supported = false;

void init_pool() {
  int device = 0;
  int supported = 0;
  if (cudaGetDevice(&device) != cudaSuccess) return;
  if (cudaDeviceGetAttribute(&supported, cudaDevAttrMemoryPoolsSupported, device) != cudaSuccess) return;
  if (!supported) return;
  cudaMemPool_t pool;
  if (cudaDeviceGetDefaultMemPool(&pool, device) != cudaSuccess) return;
  uint64_t keep = UINT64_MAX;
  if (cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReleaseThreshold, &keep) != cudaSuccess) return;
  pool_supported = true;
}

cudaError_t device_alloc(void** ptr, size_t bytes, cudaStream_t stream) {
  std::call_once(pool_once, init_pool);
  *ptr = nullptr;
  if (bytes == 0) return cudaSuccess;
  return pool_supported ? cudaMallocAsync(ptr, bytes, stream) : cudaMalloc(ptr, bytes);
}

cudaError_t device_free(void* ptr, cudaStream_t stream) {
  if (ptr == nullptr) return cudaSuccess;
  std::call_once(pool_once, init_pool);
  return pool_supported ? cudaFreeAsync(ptr, stream) : cudaFree(ptr);
}

// Scratch memory of one op call, returned to the pool (stream-ordered) when the call's launches are queued.
class Scratch {
 public:
  explicit Scratch(cudaStream_t stream) : stream_(stream) {}
  ~Scratch() {
    for (int i = 0; i < count_; i++) device_free(ptrs_[i], stream_);
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;

  template <class T>
  cudaError_t get(T** out, size_t elements) {
    if (count_ == CAPACITY) return cudaErrorInvalidValue;  // an op asks for at most 7 buffers
    void* p = nullptr;
    cudaError_t rc = device_alloc(&p, elements * sizeof(T), stream_);
    if (rc != cudaSuccess) return rc;
    ptrs_[count_++] = p;
    *out = static_cast<T*>(p);
    return cudaSuccess;
  }

 private:
  static constexpr int CAPACITY = 8;
  cudaStream_t stream_;
  void* ptrs_[CAPACITY] = {};
  int count_ = 0;
};

#define A4J_TRY(expr)                          \
  do {                                         \
    cudaError_t a4j_rc_ = (expr);              \
    if (a4j_rc_ != cudaSuccess) return a4j_rc_; \
  } while (0)

unsigned elementwise_blocks(int64_t n) {
  int64_t blocks = (n + ELEMENTWISE_THREADS - 1) / ELEMENTWISE_THREADS;
  return (unsigned)(blocks > (1 << 20) ? (1 << 20) : blocks);
}

__device__ __forceinline__ double broadcast_lane0(double v) { return __shfl_sync(0xffffffffu, v, 0); }

// -------------------------------------------------------------------------------------------------- kernels

// token_logprobs and entropy, one block per row. Must equal SoftmaxRows#tokenLogprob and SoftmaxRows#entropy
// (CpuKernelProvider#tokenLogprobs, #entropy).
template <bool ENTROPY>
__global__ void token_logprobs_entropy_kernel(const float* logits, const int32_t* tokens, int vocab, float inv_t,
                                              float* logprobs_out, float* entropy_out) {
  int r = blockIdx.x;
  const float* row = logits + (int64_t)r * vocab;
  SoftmaxState st = softmax_row_partial<ENTROPY>(row, vocab, inv_t, threadIdx.x, blockDim.x);
  st = block_reduce(st, SoftmaxMerge{}, softmax_empty());
  if (threadIdx.x == 0) softmax_row_write(st, row, tokens, r, vocab, inv_t, logprobs_out, entropy_out);
}

// full_kl, one block per pair of rows. Must equal SoftmaxRows#fullKl (CpuKernelProvider#fullKl).
__global__ void full_kl_kernel(const float* logits, const float* ref_logits, int vocab, float* out) {
  int r = blockIdx.x;
  KlState st = kl_row_partial(logits + (int64_t)r * vocab, ref_logits + (int64_t)r * vocab, vocab, threadIdx.x,
                              blockDim.x);
  st = block_reduce(st, KlMerge{}, kl_empty());
  if (threadIdx.x == 0) out[r] = kl_final(st);
}

// kl_per_token, one thread per element. Must equal CpuKernelProvider#klPerToken.
__global__ void kl_per_token_kernel(const float* lp, const float* ref, const float* mask, int64_t n, int estimator,
                                    float* out) {
  for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x) {
    out[i] = kl_per_token_at(lp, ref, mask, estimator, i);
  }
}

// kl_penalized_rewards, one block per row: the row's length first, then every position.
// Must equal AdvantageKernels#klPenalizedRewards.
__global__ void kl_rewards_kernel(const float* mask, KlRewardsArgs a) {
  int b = blockIdx.x;
  int ones = mask_ones_partial(mask + (int64_t)b * a.time, a.time, threadIdx.x, blockDim.x);
  int len = block_reduce(ones, IntSum{}, 0);
  kl_rewards_row(a, b, len, threadIdx.x, blockDim.x);
}

// Row lengths L_b of a right-padded mask (CpuKernelProvider computes them with KernelArgs#checkPrefixMask).
__global__ void row_lengths_kernel(const float* mask, int time, int* lengths) {
  int b = blockIdx.x;
  int ones = mask_ones_partial(mask + (int64_t)b * time, time, threadIdx.x, blockDim.x);
  int len = block_reduce(ones, IntSum{}, 0);
  if (threadIdx.x == 0) lengths[b] = len;
}

// Batch statistics, the four steps of AdvantageKernels#whiten's two passes, deterministic (no atomics): per-block
// partial sums, one block to combine them, then the same for Σ (v − μ)²·m.
template <class T>
__global__ void stats_sum_kernel(const T* v, MaskView mv, int64_t n, Sum2* partials) {
  Sum2 s = stats_sum_partial(v, mv, n, blockIdx.x, gridDim.x, threadIdx.x, blockDim.x);
  s = block_reduce(s, Sum2Merge{}, Sum2{0.0, 0.0});
  if (threadIdx.x == 0) partials[blockIdx.x] = s;
}

__global__ void stats_mean_kernel(const Sum2* partials, int blocks, Stats* st) {
  Sum2Merge merge;
  Sum2 s{0.0, 0.0};
  for (int i = threadIdx.x; i < blocks; i += blockDim.x) s = merge(s, partials[i]);
  s = block_reduce(s, merge, Sum2{0.0, 0.0});
  if (threadIdx.x == 0) {
    st->mean = s.a / s.b;
    st->count = s.b;
  }
}

template <class T>
__global__ void stats_sq_kernel(const T* v, MaskView mv, int64_t n, const Stats* st, double* partials) {
  double sq = stats_sq_partial(v, mv, n, st->mean, blockIdx.x, gridDim.x, threadIdx.x, blockDim.x);
  sq = block_reduce(sq, DoubleSum{}, 0.0);
  if (threadIdx.x == 0) partials[blockIdx.x] = sq;
}

__global__ void stats_inv_kernel(const double* partials, int blocks, int mode, Stats* st) {
  double sq = 0.0;
  for (int i = threadIdx.x; i < blocks; i += blockDim.x) sq += partials[i];
  sq = block_reduce(sq, DoubleSum{}, 0.0);
  if (threadIdx.x == 0) st->inv = stats_inv(mode, sq, st->count);
}

// Applies whitening element-wise (AdvantageKernels#whiten's last loop; GAE's advantages are 0 off the mask).
__global__ void whiten_apply_kernel(const float* v, const Stats* stats, int keep_mean, MaskView zero_mv,
                                    int zero_outside, int64_t n, float* out) {
  Stats st = *stats;
  for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x) {
    out[i] = whiten_at(v, st, keep_mean, zero_mv, zero_outside, i);
  }
}

// GAE, one block per row, each thread one chunk of positions; chunks are joined by a suffix scan of their affine
// maps. Must equal AdvantageKernels#gae's backward recursion.
__global__ void gae_rows_kernel(GaeArgs g) {
  int b = blockIdx.x;
  int t0, t1;
  gae_chunk_bounds(g.time, threadIdx.x, blockDim.x, &t0, &t1);
  Affine mine = gae_chunk_map(g, b, t0, t1);
  double next_adv = block_next_chunk_value(mine);
  gae_chunk_write(g, b, t0, t1, next_adv);
}

// Σ_k w_k·r_ik per completion (AdvantageKernels#groupAdvantages, several functions, sum_then_normalize).
__global__ void weighted_rewards_kernel(const float* rewards, int64_t count, int functions, const float* weights,
                                        float* out) {
  for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < count;
       i += (int64_t)gridDim.x * blockDim.x) {
    out[i] = weighted_reward(rewards, functions, weights, i);
  }
}

// One warp per group: centre on the group mean, scale by the group std, the batch std or 1.
// Must equal AdvantageKernels#groupAdvantages (single function).
__global__ void group_centre_kernel(const float* r, int groups, int size, int scaling, const Stats* batch,
                                    float* out) {
  int group = (int)(((int64_t)blockIdx.x * blockDim.x + threadIdx.x) / WARP);
  int lane = threadIdx.x & (WARP - 1);
  if (group >= groups) return;  // the whole warp leaves together
  int64_t first = (int64_t)group * size;
  double mean = broadcast_lane0(warp_reduce(group_sum_partial(r, 1, first, size, lane), DoubleSum{})) / size;
  double scale = 1.0;
  if (scaling == A4J_SCALE_GROUP) {
    double sq = broadcast_lane0(warp_reduce(group_sq_partial(r, 1, first, size, mean, lane), DoubleSum{}));
    scale = 1.0 / (group_std(sq, size) + STD_EPSILON);
  } else if (scaling == A4J_SCALE_BATCH) {
    scale = batch->inv;
  }
  for (int i = lane; i < size; i += WARP) out[first + i] = (float)(((double)r[first + i] - mean) * scale);
}

// normalize_then_sum, one warp per group: each function's z-scores within the group, weighted, summed in double.
// Must equal the first loop of AdvantageKernels#groupAdvantages (NORMALIZE_THEN_SUM).
__global__ void group_zsum_kernel(const float* r, int groups, int size, int functions, const float* weights,
                                  double* sums) {
  int group = (int)(((int64_t)blockIdx.x * blockDim.x + threadIdx.x) / WARP);
  int lane = threadIdx.x & (WARP - 1);
  if (group >= groups) return;
  int64_t first = (int64_t)group * size;
  for (int k = 0; k < functions; k++) {
    const float* col = r + k;
    double mean = broadcast_lane0(warp_reduce(group_sum_partial(col, functions, first, size, lane), DoubleSum{})) /
                  size;
    double sq = broadcast_lane0(warp_reduce(group_sq_partial(col, functions, first, size, mean, lane), DoubleSum{}));
    double inv = 1.0 / (group_std(sq, size) + STD_EPSILON);
    double w = weights != nullptr ? (double)weights[k] : 1.0;
    for (int i = lane; i < size; i += WARP) {
      int64_t idx = first + i;
      double z = w * ((double)col[idx * functions] - mean) * inv;
      sums[idx] = (k == 0 ? 0.0 : sums[idx]) + z;
    }
  }
}

// The second half of NORMALIZE_THEN_SUM: (sums − μ)·inv over the whole batch.
__global__ void standardize_sums_kernel(const double* sums, const Stats* stats, int64_t count, float* out) {
  Stats st = *stats;
  for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < count;
       i += (int64_t)gridDim.x * blockDim.x) {
    out[i] = (float)((sums[i] - st.mean) * st.inv);
  }
}

__global__ void self_test_kernel(int* out) { out[threadIdx.x] = 2 * (int)threadIdx.x + 1; }

// Mean, count and inverse scale of v over mv into *st, with scratch for the per-block partials.
template <class T>
cudaError_t batch_stats(const T* v, MaskView mv, int64_t n, int mode, Stats* st, Scratch& scratch,
                        cudaStream_t stream) {
  int blocks = stats_blocks(n);
  Sum2* sums = nullptr;
  double* squares = nullptr;
  A4J_TRY(scratch.get(&sums, blocks));
  A4J_TRY(scratch.get(&squares, blocks));
  stats_sum_kernel<T><<<blocks, STATS_THREADS, 0, stream>>>(v, mv, n, sums);
  stats_mean_kernel<<<1, STATS_THREADS, 0, stream>>>(sums, blocks, st);
  stats_sq_kernel<T><<<blocks, STATS_THREADS, 0, stream>>>(v, mv, n, st, squares);
  stats_inv_kernel<<<1, STATS_THREADS, 0, stream>>>(squares, blocks, mode, st);
  return cudaGetLastError();
}

}  // namespace

// ------------------------------------------------------------------------------------------------ the C ABI

extern "C" {

int a4j_abi_version(void) { return A4J_ABI_VERSION; }

const char* a4j_error_name(int code) { return cudaGetErrorName((cudaError_t)code); }

const char* a4j_error_string(int code) { return cudaGetErrorString((cudaError_t)code); }

int a4j_versions(int* runtime, int* driver) {
  *driver = 0;
  *runtime = 0;
  if (cudaDriverGetVersion(driver) != cudaSuccess) *driver = 0;
  return cudaRuntimeGetVersion(runtime);
}

int a4j_device_count(int* count) {
  *count = 0;
  return cudaGetDeviceCount(count);
}

int a4j_device_info_get(int device, a4j_device_info* info) {
  cudaDeviceProp prop;
  A4J_TRY(cudaGetDeviceProperties(&prop, device));
  int pools = 0;
  A4J_TRY(cudaDeviceGetAttribute(&pools, cudaDevAttrMemoryPoolsSupported, device));
  memcpy(info->name, prop.name, sizeof(info->name) < sizeof(prop.name) ? sizeof(info->name) : sizeof(prop.name));
  info->name[sizeof(info->name) - 1] = '\0';
  info->major = prop.major;
  info->minor = prop.minor;
  info->multiprocessors = prop.multiProcessorCount;
  info->memory_pools = pools;
  info->total_memory = prop.totalGlobalMem;
  A4J_TRY(cudaDriverGetVersion(&info->driver_version));
  return cudaRuntimeGetVersion(&info->runtime_version);
}

int a4j_self_test(void) {
  int* d = nullptr;
  int host[64];
  A4J_TRY(cudaMalloc(&d, sizeof(host)));
  self_test_kernel<<<1, 64>>>(d);
  cudaError_t rc = cudaGetLastError();
  if (rc == cudaSuccess) rc = cudaMemcpy(host, d, sizeof(host), cudaMemcpyDeviceToHost);
  cudaFree(d);
  if (rc != cudaSuccess) return rc;
  for (int i = 0; i < 64; i++) {
    if (host[i] != 2 * i + 1) return cudaErrorUnknown;
  }
  return cudaSuccess;
}

int a4j_malloc(void** ptr, size_t bytes) { return device_alloc(ptr, bytes, 0); }

int a4j_free(void* ptr) { return device_free(ptr, 0); }

int a4j_copy_to_device(void* dst, const void* src, size_t bytes) {
  return bytes == 0 ? cudaSuccess : cudaMemcpy(dst, src, bytes, cudaMemcpyHostToDevice);
}

int a4j_copy_to_host(void* dst, const void* src, size_t bytes) {
  return bytes == 0 ? cudaSuccess : cudaMemcpy(dst, src, bytes, cudaMemcpyDeviceToHost);
}

int a4j_copy_device_to_device(void* dst, const void* src, size_t bytes) {
  return bytes == 0 ? cudaSuccess : cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToDevice, 0);
}

int a4j_synchronize(void) { return cudaDeviceSynchronize(); }

int a4j_event_create(void** event) {
  cudaEvent_t e;
  A4J_TRY(cudaEventCreate(&e));
  *event = e;
  return cudaSuccess;
}

int a4j_event_record(void* event) { return cudaEventRecord((cudaEvent_t)event, 0); }

int a4j_event_elapsed_ms(void* start, void* end, float* ms) {
  A4J_TRY(cudaEventSynchronize((cudaEvent_t)end));
  return cudaEventElapsedTime(ms, (cudaEvent_t)start, (cudaEvent_t)end);
}

int a4j_event_destroy(void* event) { return cudaEventDestroy((cudaEvent_t)event); }

A4J_OP_TOKEN_LOGPROBS_ENTROPY(a4j_token_logprobs_entropy) {
  if (rows < 0 || vocab < 1) return cudaErrorInvalidValue;
  if (rows == 0 || (logprobs_out == nullptr && entropy_out == nullptr)) return cudaSuccess;
  cudaStream_t s = (cudaStream_t)stream;
  int threads = row_threads(vocab, 16);
  if (entropy_out != nullptr) {
    token_logprobs_entropy_kernel<true><<<rows, threads, 0, s>>>(logits, tokens, vocab, inv_temperature,
                                                                 logprobs_out, entropy_out);
  } else {
    token_logprobs_entropy_kernel<false><<<rows, threads, 0, s>>>(logits, tokens, vocab, inv_temperature,
                                                                  logprobs_out, entropy_out);
  }
  return cudaGetLastError();
}

A4J_OP_FULL_KL(a4j_full_kl) {
  if (rows < 0 || vocab < 1) return cudaErrorInvalidValue;
  if (rows == 0) return cudaSuccess;
  full_kl_kernel<<<rows, row_threads(vocab, 16), 0, (cudaStream_t)stream>>>(logits, ref_logits, vocab, out);
  return cudaGetLastError();
}

A4J_OP_KL_PER_TOKEN(a4j_kl_per_token) {
  if (n < 0) return cudaErrorInvalidValue;
  if (n == 0) return cudaSuccess;
  kl_per_token_kernel<<<elementwise_blocks(n), ELEMENTWISE_THREADS, 0, (cudaStream_t)stream>>>(
      logprobs, ref_logprobs, mask, n, estimator, out);
  return cudaGetLastError();
}

A4J_OP_KL_PENALIZED_REWARDS(a4j_kl_penalized_rewards) {
  if (batch < 0 || time < 1) return cudaErrorInvalidValue;
  if (batch == 0) return cudaSuccess;
  KlRewardsArgs a{scores, logprobs, ref_logprobs, contain_eos, time,      kl_coef,      estimator,
                  placement, has_penalty, penalty, rewards_out, kl_out, score_index_out};
  kl_rewards_kernel<<<batch, row_threads(time, 4), 0, (cudaStream_t)stream>>>(mask, a);
  return cudaGetLastError();
}

A4J_OP_GAE(a4j_gae) {
  if (batch < 0 || time < 1) return cudaErrorInvalidValue;
  if (batch == 0) return cudaSuccess;
  cudaStream_t s = (cudaStream_t)stream;
  int64_t n = (int64_t)batch * time;
  int threads = row_threads(time, 4);
  Scratch scratch(s);
  int* lengths = nullptr;
  Stats* stats = nullptr;  // [0] rewards, [1] raw advantages
  A4J_TRY(scratch.get(&stats, 2));
  if (placement == A4J_AFTER_RESPONSE_TRL) {
    A4J_TRY(scratch.get(&lengths, batch));
    row_lengths_kernel<<<batch, threads, 0, s>>>(mask, time, lengths);
    A4J_TRY(cudaGetLastError());
  }
  MaskView value_mask{mask, lengths, time, placement == A4J_AFTER_RESPONSE_TRL ? MASK_UP_TO_LENGTH : MASK_PLAIN};
  if (whiten_rewards) A4J_TRY(batch_stats(rewards, value_mask, n, STATS_WHITEN, &stats[0], scratch, s));
  if (raw_out == nullptr) A4J_TRY(scratch.get(&raw_out, n));
  GaeArgs g{rewards, values, mask, lengths, time, placement, whiten_rewards, &stats[0], gamma, gamma_lambda,
            raw_out, returns_out};
  gae_rows_kernel<<<batch, threads, 0, s>>>(g);
  A4J_TRY(cudaGetLastError());
  MaskView response{mask, nullptr, time, MASK_PLAIN};
  A4J_TRY(batch_stats<float>(raw_out, response, n, STATS_WHITEN, &stats[1], scratch, s));
  whiten_apply_kernel<<<elementwise_blocks(n), ELEMENTWISE_THREADS, 0, s>>>(raw_out, &stats[1], 0, response, 1, n,
                                                                            advantages_out);
  return cudaGetLastError();
}

A4J_OP_WHITEN(a4j_whiten) {
  if (n < 0) return cudaErrorInvalidValue;
  if (n == 0) return cudaSuccess;
  cudaStream_t s = (cudaStream_t)stream;
  Scratch scratch(s);
  Stats* stats = nullptr;
  A4J_TRY(scratch.get(&stats, 1));
  MaskView mv{mask, nullptr, 1, MASK_PLAIN};
  A4J_TRY(batch_stats(values, mv, n, STATS_WHITEN, stats, scratch, s));
  whiten_apply_kernel<<<elementwise_blocks(n), ELEMENTWISE_THREADS, 0, s>>>(values, stats, keep_mean, mv, 0, n, out);
  return cudaGetLastError();
}

A4J_OP_GROUP_ADVANTAGES(a4j_group_advantages) {
  if (count < 1 || functions < 1 || group_size < 1 || count % group_size != 0) return cudaErrorInvalidValue;
  cudaStream_t s = (cudaStream_t)stream;
  int groups = count / group_size;
  unsigned group_blocks = (unsigned)(((int64_t)groups * WARP + GROUP_THREADS - 1) / GROUP_THREADS);
  Scratch scratch(s);
  Stats* stats = nullptr;
  A4J_TRY(scratch.get(&stats, 1));
  MaskView all{nullptr, nullptr, 1, MASK_ALL};
  if (aggregation == A4J_NORMALIZE_THEN_SUM) {
    double* sums = nullptr;
    A4J_TRY(scratch.get(&sums, count));
    group_zsum_kernel<<<group_blocks, GROUP_THREADS, 0, s>>>(rewards, groups, group_size, functions, weights, sums);
    A4J_TRY(cudaGetLastError());
    A4J_TRY(batch_stats<double>(sums, all, count, STATS_STD, stats, scratch, s));
    standardize_sums_kernel<<<elementwise_blocks(count), ELEMENTWISE_THREADS, 0, s>>>(sums, stats, count, out);
    return cudaGetLastError();
  }
  const float* r = rewards;
  if (functions > 1 || weights != nullptr) {
    float* work = nullptr;
    A4J_TRY(scratch.get(&work, count));
    weighted_rewards_kernel<<<elementwise_blocks(count), ELEMENTWISE_THREADS, 0, s>>>(rewards, count, functions,
                                                                                      weights, work);
    A4J_TRY(cudaGetLastError());
    r = work;
  }
  if (scaling == A4J_SCALE_BATCH) A4J_TRY(batch_stats<float>(r, all, count, STATS_STD, stats, scratch, s));
  group_centre_kernel<<<group_blocks, GROUP_THREADS, 0, s>>>(r, groups, group_size, scaling, stats, out);
  return cudaGetLastError();
}

}  // extern "C"
