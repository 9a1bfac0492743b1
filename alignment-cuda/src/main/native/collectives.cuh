// Block-wide reductions and the GAE suffix scan, on the device (warp shuffles and shared memory) and mirrored on the
// host (host_emulation.cu) with the same pairing order, so that the emulation rounds as the GPU does up to expf's
// last bits and fused multiply-adds.
//
// Blocks always have a multiple of 32 threads, at most 1024 (32 warps).
#pragma once

#include <string.h>

#include "kernel_math.cuh"

namespace a4j {

constexpr int WARP = 32;

// ------------------------------------------------------------------------------------------------- device side
#ifdef __CUDACC__

template <class T>
__device__ __forceinline__ T shfl_down_any(const T& v, int offset) {
  static_assert(sizeof(T) % 4 == 0, "shuffled types are made of 32-bit words");
  constexpr int WORDS = sizeof(T) / 4;
  int w[WORDS];
  memcpy(w, &v, sizeof(T));
#pragma unroll
  for (int k = 0; k < WORDS; k++) w[k] = __shfl_down_sync(0xffffffffu, w[k], offset);
  T r;
  memcpy(&r, w, sizeof(T));
  return r;
}

// Tree reduction over the 32 lanes: at each offset lane i merges lane i + offset. Lanes whose partner is past 31
// receive their own value (merged with itself); lane 0 never depends on those lanes, and only lane 0's result is
// used.
template <class T, class Merge>
__device__ __forceinline__ T warp_reduce(T v, Merge merge) {
#pragma unroll
  for (int offset = WARP / 2; offset > 0; offset >>= 1) v = merge(v, shfl_down_any(v, offset));
  return v;
}

// The block's reduction, returned to every thread. Warp results meet in warp 0; missing warps count as `identity`.
template <class T, class Merge>
__device__ T block_reduce(T v, Merge merge, T identity) {
  __shared__ T partial[WARP];
  int lane = threadIdx.x & (WARP - 1);
  int warp = threadIdx.x / WARP;
  int warps = blockDim.x / WARP;
  v = warp_reduce(v, merge);
  __syncthreads();  // an earlier call may still be reading `partial`
  if (lane == 0) partial[warp] = v;
  __syncthreads();
  if (warp == 0) {
    T w = lane < warps ? partial[lane] : identity;
    w = warp_reduce(w, merge);
    if (lane == 0) partial[0] = w;
  }
  __syncthreads();
  return partial[0];
}

// GAE across chunks: thread k holds its chunk's affine map; returns A at the start of chunk k + 1 (0 after the last).
// Within a warp an inclusive suffix scan (Kogge–Stone over shfl_down); across warps thread 0 walks the warp totals
// from the right.
__device__ inline double block_next_chunk_value(Affine mine) {
  __shared__ Affine totals[WARP];
  __shared__ double carry[WARP];  // A at the start of warp w + 1
  AffineCompose compose;
  int lane = threadIdx.x & (WARP - 1);
  int warp = threadIdx.x / WARP;
  int warps = blockDim.x / WARP;
  Affine incl = mine;
#pragma unroll
  for (int offset = 1; offset < WARP; offset <<= 1) {
    Affine right = shfl_down_any(incl, offset);
    if (lane + offset < WARP) incl = compose(incl, right);
  }
  if (lane == 0) totals[warp] = incl;
  __syncthreads();
  if (threadIdx.x == 0) {
    Affine acc{0.0, 1.0};
    for (int w = warps - 1; w >= 0; w--) {
      carry[w] = acc.a;
      acc = compose(totals[w], acc);
    }
  }
  __syncthreads();
  Affine next = shfl_down_any(incl, 1);
  double after_warp = carry[warp];
  return lane == WARP - 1 ? after_warp : next.a + next.m * after_warp;
}

#endif  // __CUDACC__

// --------------------------------------------------------------------------------------------------- host mirror

// warp_reduce on 32 host values, same pairs in the same order (lanes past 31 merge with themselves, as shfl_down
// returns their own value).
template <class T, class Merge>
inline T host_warp_reduce(T* lanes, Merge merge) {
  T next[WARP];
  for (int offset = WARP / 2; offset > 0; offset >>= 1) {
    for (int i = 0; i < WARP; i++) next[i] = merge(lanes[i], lanes[i + offset < WARP ? i + offset : i]);
    for (int i = 0; i < WARP; i++) lanes[i] = next[i];
  }
  return lanes[0];
}

// block_reduce over `threads` host values (a multiple of 32); `values` is overwritten.
template <class T, class Merge>
inline T host_block_reduce(T* values, int threads, Merge merge, T identity) {
  int warps = threads / WARP;
  T partial[WARP];
  for (int w = 0; w < warps; w++) partial[w] = host_warp_reduce(values + w * WARP, merge);
  for (int w = warps; w < WARP; w++) partial[w] = identity;
  return host_warp_reduce(partial, merge);
}

// block_next_chunk_value for every thread of a block at once; `chunks` holds each thread's map, `out` receives A at
// the start of the next chunk.
inline void host_next_chunk_values(const Affine* chunks, int threads, double* out) {
  AffineCompose compose;
  int warps = threads / WARP;
  Affine incl[1024];
  for (int w = 0; w < warps; w++) {
    Affine* lanes = incl + w * WARP;
    for (int i = 0; i < WARP; i++) lanes[i] = chunks[w * WARP + i];
    Affine next[WARP];
    for (int offset = 1; offset < WARP; offset <<= 1) {
      for (int i = 0; i < WARP; i++) next[i] = i + offset < WARP ? compose(lanes[i], lanes[i + offset]) : lanes[i];
      for (int i = 0; i < WARP; i++) lanes[i] = next[i];
    }
  }
  double carry[WARP];
  Affine acc{0.0, 1.0};
  for (int w = warps - 1; w >= 0; w--) {
    carry[w] = acc.a;
    acc = compose(incl[w * WARP], acc);
  }
  for (int t = 0; t < threads; t++) {
    int lane = t % WARP;
    int w = t / WARP;
    out[t] = lane == WARP - 1 ? carry[w] : incl[t + 1].a + incl[t + 1].m * carry[w];
  }
}

}  // namespace a4j
