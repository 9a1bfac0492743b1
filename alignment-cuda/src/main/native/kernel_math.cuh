// The numerics shared by the GPU kernels (kernels.cu) and their host emulation (host_emulation.cu): running states,
// how two partial states merge, and the closing formulas. Everything here is __host__ __device__, so the code that
// the GPU runs is the code that the host tests check against the conformance vectors.
//
// Precision: logits are read as float; per logit, the difference to the running maximum, its expf and the product
// that weights it are float operations, and each term is added to a double accumulator. A double exp per logit, or
// doing the differences in double, would make the full-vocabulary kernels compute-bound: on sm_80/sm_90 conversions
// between float and double run at 16 per clock per SM, an eighth of the float rate, so the per-logit path converts
// only the terms it adds (one to three per logit). The rare rescaling when a new maximum arrives is all double.
// Every sum and every statistic accumulates in double, as the CPU kernels do.
#pragma once

#include <math.h>
#include <stdint.h>

#include "align4j_cuda.h"

#ifdef __CUDACC__
#define A4J_HD __host__ __device__ __forceinline__
#else
#define A4J_HD inline
#endif

namespace a4j {

// ---------------------------------------------------------------------------------------------------------------
// Softmax rows: online log-sum-exp with the entropy moment (Milakov and Gimelshein 2018).
// Must equal dev.align4j.core.kernel.SoftmaxRows#tokenLogprob and #entropy (one sequential pass in double).

// m: running maximum of x (−inf while empty); s = Σ e^{x−m}; u = Σ e^{x−m}(x−m).
// The entropy is log s − u/s; keeping x − m rather than x avoids the cancellation of logsumexp(x) − Σ p·x.
struct SoftmaxState {
  float m;
  double s;
  double u;
};

A4J_HD SoftmaxState softmax_empty() { return SoftmaxState{-INFINITY, 0.0, 0.0}; }

// Adds one logit. A new maximum rescales: s ← c·s, u ← c·(u + (m − m')·s), c = e^{m−m'} (rare: a double exp).
template <bool ENTROPY>
A4J_HD void softmax_add(SoftmaxState& st, float x) {
  if (x > st.m) {
    if (st.s != 0.0) {
      double dm = (double)st.m - (double)x;
      double c = exp(dm);
      if (ENTROPY) st.u = c * (st.u + dm * st.s);
      st.s = c * st.s;
    }
    st.s += 1.0;  // the new maximum contributes e^0 = 1 and (x − m') = 0
    st.m = x;
  } else {
    float d = x - st.m;  // ≤ 0
    float e = expf(d);
    st.s += (double)e;
    if (ENTROPY) st.u += (double)(e * d);
  }
}

// Two partial states of disjoint parts of a row, each shifted to the common maximum.
A4J_HD SoftmaxState softmax_merge(const SoftmaxState& a, const SoftmaxState& b) {
  if (b.s == 0.0) return a;
  if (a.s == 0.0) return b;
  float m = a.m > b.m ? a.m : b.m;
  double da = (double)a.m - (double)m;
  double db = (double)b.m - (double)m;
  double ca = exp(da);
  double cb = exp(db);
  return SoftmaxState{m, ca * a.s + cb * b.s, ca * (a.u + da * a.s) + cb * (b.u + db * b.s)};
}

struct SoftmaxMerge {
  A4J_HD SoftmaxState operator()(const SoftmaxState& a, const SoftmaxState& b) const { return softmax_merge(a, b); }
};

// x[token] − logsumexp(x), as SoftmaxRows#tokenLogprob rounds it.
A4J_HD float token_logprob_final(const SoftmaxState& st, float x_token) {
  return (float)((double)x_token - (double)st.m - log(st.s));
}

// −Σ p log p = log s − u/s, as SoftmaxRows#entropy rounds it.
A4J_HD float entropy_final(const SoftmaxState& st) { return (float)(log(st.s) - st.u / st.s); }

// ---------------------------------------------------------------------------------------------------------------
// Full-vocabulary KL(p ‖ q) over a pair of rows in one pass. Must equal SoftmaxRows#fullKl.
// With a = x − mx, b = y − my: KL = w/sx − log sx + log sy, w = Σ e^a (a − b).
struct KlState {
  float mx;
  float my;
  double sx;
  double sy;
  double w;
};

A4J_HD KlState kl_empty() { return KlState{-INFINITY, -INFINITY, 0.0, 0.0, 0.0}; }

// Adds one pair of logits, in the order of the CPU kernel: a new my only shifts every b, adding (y − my)·sx to w;
// a new mx multiplies by c = e^{mx−mx'} and shifts every a.
A4J_HD void kl_add(KlState& st, float x, float y) {
  float b;  // y − my after the update
  if (y > st.my) {
    if (st.sy != 0.0) {
      double dy = (double)st.my - (double)y;
      st.sy *= exp(dy);
      st.w -= dy * st.sx;
    }
    st.sy += 1.0;
    st.my = y;
    b = 0.0f;
  } else {
    b = y - st.my;
    st.sy += (double)expf(b);
  }
  if (x > st.mx) {
    if (st.sx != 0.0) {
      double dx = (double)st.mx - (double)x;
      double c = exp(dx);
      st.w = c * (st.w + dx * st.sx);
      st.sx *= c;
    }
    st.sx += 1.0;
    st.mx = x;
    st.w -= (double)b;  // e^0 · (a − b) with a = 0
  } else {
    float a = x - st.mx;
    float e = expf(a);
    st.sx += (double)e;
    st.w += (double)(e * (a - b));
  }
}

// Each part is moved to the common maxima: sx ← cx·sx, sy ← cy·sy, w ← cx·(w + (Δx − Δy)·sx), Δ = m_part − m.
A4J_HD KlState kl_merge(const KlState& p, const KlState& q) {
  if (q.sx == 0.0) return p;
  if (p.sx == 0.0) return q;
  float mx = p.mx > q.mx ? p.mx : q.mx;
  float my = p.my > q.my ? p.my : q.my;
  double dxp = (double)p.mx - (double)mx, dyp = (double)p.my - (double)my;
  double dxq = (double)q.mx - (double)mx, dyq = (double)q.my - (double)my;
  double cxp = exp(dxp), cyp = exp(dyp), cxq = exp(dxq), cyq = exp(dyq);
  return KlState{mx, my, cxp * p.sx + cxq * q.sx, cyp * p.sy + cyq * q.sy,
                 cxp * (p.w + (dxp - dyp) * p.sx) + cxq * (q.w + (dxq - dyq) * q.sx)};
}

struct KlMerge {
  A4J_HD KlState operator()(const KlState& a, const KlState& b) const { return kl_merge(a, b); }
};

A4J_HD float kl_final(const KlState& st) { return (float)(st.w / st.sx - log(st.sx) + log(st.sy)); }

// ---------------------------------------------------------------------------------------------------------------
// Per-token KL estimators (Schulman 2020), in double. Must equal dev.align4j.api.kernel.KlEstimator#apply.
A4J_HD double kl_estimate(int estimator, double logprob, double ref_logprob) {
  double d = ref_logprob - logprob;
  switch (estimator) {
    case A4J_K1:
      return -d;
    case A4J_K2:
      return 0.5 * d * d;
    default:
      return expm1(d) - d;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Plain sums for statistics and lengths.
struct Sum2 {
  double a;
  double b;
};

struct Sum2Merge {
  A4J_HD Sum2 operator()(const Sum2& x, const Sum2& y) const { return Sum2{x.a + y.a, x.b + y.b}; }
};

struct DoubleSum {
  A4J_HD double operator()(double x, double y) const { return x + y; }
};

struct IntSum {
  A4J_HD int operator()(int x, int y) const { return x + y; }
};

// Batch statistics left in device memory by the statistics kernels for the kernels that apply them.
struct Stats {
  double mean;
  double count;
  double inv;  // 1/sqrt(var + 1e-8) (whitening) or 1/(std + 1e-4) (GRPO scaling)
};

// Added to the variance before the square root when whitening (TRL's whiten; AdvantageKernels.WHITEN_EPSILON).
constexpr double WHITEN_EPSILON = 1e-8;
// Added to the standard deviation, not the variance (GroupAdvantageParams.STD_EPSILON).
constexpr double STD_EPSILON = 1e-4;

enum StatsMode { STATS_WHITEN = 0, STATS_STD = 1 };

// How a statistic is scaled once mean, count and Σ(v − μ)²·m are known. Whitening: unbiased variance plus 1e-8
// (AdvantageKernels#whiten). GRPO: unbiased standard deviation, 0 below 2 elements, plus 1e-4 (AdvantageKernels#std).
A4J_HD double stats_inv(int mode, double sq, double count) {
  if (mode == STATS_WHITEN) {
    double var = sq / (count - 1);
    return 1.0 / sqrt(var + WHITEN_EPSILON);
  }
  double std = count > 1 ? sqrt(sq / (count - 1)) : 0.0;
  return 1.0 / (std + STD_EPSILON);
}

// Which mask a statistic or a value function uses: none (all ones), a plain 0/1 mask, or TRL's value mask
// t ≤ L_b of a right-padded response mask (AdvantageKernels#valueMask).
enum MaskKind { MASK_ALL = 0, MASK_PLAIN = 1, MASK_UP_TO_LENGTH = 2 };

struct MaskView {
  const float* mask;
  const int* lengths;
  int time;
  int kind;
};

A4J_HD float mask_at(const MaskView& mv, int64_t i) {
  switch (mv.kind) {
    case MASK_ALL:
      return 1.0f;
    case MASK_PLAIN:
      return mv.mask[i];
    default:
      return (int)(i % mv.time) <= mv.lengths[i / mv.time] ? 1.0f : 0.0f;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// GAE (Schulman et al. 2016, eq. 16) as an affine map: A at the start of a chunk is a + m·A after the chunk, where
// a is the chunk's own recursion started from 0 and m = (γλ)^length. Chunks compose left to right:
// (a1, m1) ∘ (a2, m2) = (a1 + m1·a2, m1·m2). The empty chunk is (0, 1).
struct Affine {
  double a;
  double m;
};

struct AffineCompose {
  A4J_HD Affine operator()(const Affine& left, const Affine& right) const {
    return Affine{left.a + left.m * right.a, left.m * right.m};
  }
};

// Row-major [rows][cols] helpers.
A4J_HD int aligned_head(const float* row, int n) {
  int misaligned = (int)(((uintptr_t)row >> 2) & 3);
  int head = misaligned == 0 ? 0 : 4 - misaligned;
  return head < n ? head : n;
}

}  // namespace a4j
