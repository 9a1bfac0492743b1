/*
 * align4j CUDA kernels: the plain C ABI of libalign4j_cuda.so.
 *
 * Every op exists twice with the same signature:
 *   a4j_<op>      runs on the GPU; pointers are device pointers (a4j_malloc), work is queued on `stream`
 *                 (NULL = the legacy default stream) and may still be running when the call returns;
 *   a4j_emu_<op>  runs the same per-thread code on the host, one simulated thread block after the other, with the
 *                 same work split and the same reduction order; pointers are host pointers. It exists so that the
 *                 kernels' numerics can be checked on machines without a GPU (it is single-threaded and slow).
 *
 * Every function returns a cudaError_t value as an int: 0 is success; a4j_error_name/a4j_error_string describe the
 * others. Inputs are not validated beyond what a launch needs (the Java provider validates with KernelArgs first);
 * "nullable" outputs may be NULL to skip them. Layouts are row-major: [rows][vocab], [batch][time], [count][functions].
 * Masks are float 0/1. Semantics: shared/conformance/README.md, op by op; the Java reference is
 * dev.align4j.core.kernel.CpuKernelProvider.
 *
 * This header is plain C (the build checks it with a C compiler).
 */
#ifndef ALIGN4J_CUDA_H
#define ALIGN4J_CUDA_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define A4J_API __attribute__((visibility("default")))
#else
#define A4J_API
#endif

/* Bumped whenever a signature below or a JNI method changes; the Java loader refuses a library of another version. */
#define A4J_ABI_VERSION 1

/* KL estimators, in the order of dev.align4j.api.kernel.KlEstimator. */
enum { A4J_K1 = 0, A4J_K2 = 1, A4J_K3 = 2 };
/* Score placement, in the order of dev.align4j.api.kernel.ScorePlacement. */
enum { A4J_LAST_RESPONSE_TOKEN = 0, A4J_AFTER_RESPONSE_TRL = 1 };
/* GRPO scaling and aggregation, in the order of RewardScaling and MultiRewardAggregation. */
enum { A4J_SCALE_GROUP = 0, A4J_SCALE_BATCH = 1, A4J_SCALE_NONE = 2 };
enum { A4J_SUM_THEN_NORMALIZE = 0, A4J_NORMALIZE_THEN_SUM = 1 };

typedef struct a4j_device_info {
  char name[256];
  int major;
  int minor;
  int multiprocessors;
  int memory_pools; /* 1 when cudaMallocAsync is supported */
  int driver_version;  /* e.g. 13000 */
  int runtime_version; /* e.g. 13000 */
  size_t total_memory;
} a4j_device_info;

A4J_API int a4j_abi_version(void);
A4J_API const char* a4j_error_name(int code);
A4J_API const char* a4j_error_string(int code);

/* The CUDA runtime linked into the library (e.g. 13000) and the driver's CUDA version (0 when there is no driver). */
A4J_API int a4j_versions(int* runtime, int* driver);

/* cudaGetDeviceCount: 35 (cudaErrorInsufficientDriver) without a driver, 100 (cudaErrorNoDevice) without a device. */
A4J_API int a4j_device_count(int* count);
A4J_API int a4j_device_info_get(int device, a4j_device_info* info);
/* Launches a tiny kernel on device 0 and checks its result: catches a missing kernel image or a broken context. */
A4J_API int a4j_self_test(void);

/* Device memory from the stream-ordered pool when the device has one (freed memory is cached), else cudaMalloc. */
A4J_API int a4j_malloc(void** ptr, size_t bytes);
A4J_API int a4j_free(void* ptr);
A4J_API int a4j_copy_to_device(void* dst, const void* src, size_t bytes);
A4J_API int a4j_copy_to_host(void* dst, const void* src, size_t bytes);
A4J_API int a4j_copy_device_to_device(void* dst, const void* src, size_t bytes);
A4J_API int a4j_synchronize(void);

/* CUDA events, for timing. */
A4J_API int a4j_event_create(void** event);
A4J_API int a4j_event_record(void* event);
A4J_API int a4j_event_elapsed_ms(void* start, void* end, float* ms);
A4J_API int a4j_event_destroy(void* event);

/*
 * token_logprobs and entropy in one pass over each row (online log-sum-exp):
 * logprobs_out[r] = x[tokens[r]] - logsumexp(x), entropy_out[r] = -sum p log p, x = logits[r] * inv_temperature.
 * tokens may be NULL when logprobs_out is NULL. Either output may be NULL.
 */
#define A4J_OP_TOKEN_LOGPROBS_ENTROPY(name)                                                                          \
  int name(const float* logits, const int32_t* tokens, int rows, int vocab, float inv_temperature,                  \
           float* logprobs_out, float* entropy_out, void* stream)
/* full_kl: out[r] = KL(softmax(logits[r]) || softmax(ref_logits[r])), one pass over both rows. */
#define A4J_OP_FULL_KL(name)                                                                                         \
  int name(const float* logits, const float* ref_logits, int rows, int vocab, float* out, void* stream)
/* kl_per_token: out[i] = estimator(logprobs[i], ref_logprobs[i]), exactly 0 where mask[i] == 0 (mask nullable). */
#define A4J_OP_KL_PER_TOKEN(name)                                                                                    \
  int name(const float* logprobs, const float* ref_logprobs, const float* mask, int64_t n, int estimator,            \
           float* out, void* stream)
/*
 * kl_penalized_rewards: mask is a right-padded prefix per row. contain_eos is read only when has_penalty != 0.
 * kl_out and score_index_out are nullable. A row that cannot carry its score (empty, with LAST_RESPONSE_TOKEN) gets
 * score index -1 and no score; the Java provider rejects such input before it gets here.
 */
#define A4J_OP_KL_PENALIZED_REWARDS(name)                                                                            \
  int name(const float* scores, const float* logprobs, const float* ref_logprobs, const float* mask,                 \
           const float* contain_eos, int batch, int time, double kl_coef, int estimator, int placement,              \
           int has_penalty, double penalty, float* rewards_out, float* kl_out, int32_t* score_index_out,             \
           void* stream)
/*
 * gae: gamma_lambda = gamma * lambda (computed by the caller, as the CPU kernel does). raw_out and returns_out are
 * nullable. With AFTER_RESPONSE_TRL the mask must be a right-padded prefix per row.
 */
#define A4J_OP_GAE(name)                                                                                             \
  int name(const float* rewards, const float* values, const float* mask, int batch, int time, double gamma,          \
           double gamma_lambda, int whiten_rewards, int placement, float* advantages_out, float* raw_out,            \
           float* returns_out, void* stream)
/* whiten: batch-global masked statistics, unbiased variance; keep_mean != 0 adds the mean back. */
#define A4J_OP_WHITEN(name)                                                                                          \
  int name(const float* values, const float* mask, int64_t n, int keep_mean, float* out, void* stream)
/*
 * grpo_advantages: rewards is [count][functions] (functions = 1 for a single reward function), groups of group_size
 * contiguous rows; weights is [functions] or NULL for all 1.
 */
#define A4J_OP_GROUP_ADVANTAGES(name)                                                                                \
  int name(const float* rewards, int count, int functions, int group_size, int scaling, int aggregation,             \
           const float* weights, float* out, void* stream)

A4J_API A4J_OP_TOKEN_LOGPROBS_ENTROPY(a4j_token_logprobs_entropy);
A4J_API A4J_OP_FULL_KL(a4j_full_kl);
A4J_API A4J_OP_KL_PER_TOKEN(a4j_kl_per_token);
A4J_API A4J_OP_KL_PENALIZED_REWARDS(a4j_kl_penalized_rewards);
A4J_API A4J_OP_GAE(a4j_gae);
A4J_API A4J_OP_WHITEN(a4j_whiten);
A4J_API A4J_OP_GROUP_ADVANTAGES(a4j_group_advantages);

A4J_API A4J_OP_TOKEN_LOGPROBS_ENTROPY(a4j_emu_token_logprobs_entropy);
A4J_API A4J_OP_FULL_KL(a4j_emu_full_kl);
A4J_API A4J_OP_KL_PER_TOKEN(a4j_emu_kl_per_token);
A4J_API A4J_OP_KL_PENALIZED_REWARDS(a4j_emu_kl_penalized_rewards);
A4J_API A4J_OP_GAE(a4j_emu_gae);
A4J_API A4J_OP_WHITEN(a4j_emu_whiten);
A4J_API A4J_OP_GROUP_ADVANTAGES(a4j_emu_group_advantages);

#ifdef __cplusplus
}
#endif

#endif /* ALIGN4J_CUDA_H */
