#!/usr/bin/env python3
"""Generates conformance cases for the CPU provider's fast paths (same JSONL format as shared/conformance), numpy in
float64.

The public vectors use rows of 5 to 50 logits and sequences of at most 10 steps, so a vector loop of 16 lanes would
mostly run its scalar tail on them. These cases are wide enough to go through the vector loops, their tails and their
fallbacks: vocabularies of 16 to 3000 (not multiples of 16), logits of +-100 and rows whose range exceeds 88 (the
overflow re-reference of the Vector API path), temperatures, 300 tokens of each KL estimator with |d| from 1e-4 to
60, GAE over 48 to 400 steps with both score placements and reward whitening, and GRPO groups of 4, 8 and 16 (the
lane butterflies) and of 5 (the scalar loop). An independent re-implementation of shared/conformance/README.md.

Run from this folder: python3 generate.py   (numpy only; deterministic)
"""
import json
import numpy as np

rng = np.random.default_rng(20261207)


def f32(x):
    """Round to float32 so that inputs are exactly representable, as the format requires."""
    return np.asarray(x, dtype=np.float32).astype(np.float64)


def tolist(a):
    return np.asarray(a).tolist()


def write(name, cases):
    with open(name, "w") as f:
        for c in cases:
            f.write(json.dumps(c) + "\n")


def log_softmax(x):
    m = x.max(axis=-1, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis=-1, keepdims=True))


def logits(shape, kind):
    if kind == "llm":       # N(0, 2^2) with one confident token per row
        x = 2 * rng.standard_normal(shape)
        idx = rng.integers(0, shape[-1], size=shape[:-1])
        np.put_along_axis(x, idx[..., None], np.take_along_axis(x, idx[..., None], -1) + 8, -1)
        return f32(x)
    if kind == "extreme":   # +-100: a softmax that does not subtract the maximum overflows
        return f32(rng.choice([-100.0, 100.0, 0.0, 99.5, -99.5], size=shape))
    if kind == "wide":      # a row range of ~150 with a low first logit: the vector path must re-reference
        x = rng.uniform(-40, 40, size=shape)
        x[..., 0] = -75.0
        x[..., -1] = 75.0
        return f32(x)
    raise ValueError(kind)


# ---------------------------------------------------------------- token_logprobs
def token_logprobs_cases():
    cases = []
    for i, (B, T, V, temp, kind) in enumerate([(2, 3, 16, 1.0, "llm"), (2, 2, 17, 1.0, "llm"), (1, 3, 100, 1.0, "llm"),
                                                (2, 2, 333, 0.7, "llm"), (1, 1, 1000, 1.0, "llm"),
                                                (1, 1, 2500, 1.3, "llm"), (2, 2, 64, 1.0, "extreme"),
                                                (2, 2, 257, 1.0, "wide"), (1, 2, 257, 0.5, "wide")]):
        x = logits((B, T, V), kind)
        tok = rng.integers(0, V, size=(B, T))
        lp = np.take_along_axis(log_softmax(x / temp), tok[..., None], -1)[..., 0]
        cases.append({"id": f"kernels-token_logprobs-{i:03d}-V{V}-{kind}-t{temp}", "op": "token_logprobs",
                      "params": {"temperature": temp}, "inputs": {"logits": tolist(x), "tokens": tolist(tok)},
                      "expected": {"logprobs": tolist(lp)}, "rtol": 1e-5, "atol": 1e-6})
    return cases


# ---------------------------------------------------------------- entropy
def entropy_cases():
    cases = []
    for i, (B, T, V, temp, kind) in enumerate([(2, 2, 16, 1.0, "llm"), (1, 3, 100, 1.0, "llm"), (2, 2, 333, 0.7, "llm"),
                                                (1, 1, 2000, 1.0, "llm"), (2, 2, 64, 1.0, "extreme"),
                                                (1, 2, 257, 1.0, "wide")]):
        x = logits((B, T, V), kind)
        lp = log_softmax(x / temp)
        h = -(np.exp(lp) * lp).sum(-1)
        atol = 5e-5 if kind != "llm" else 1e-5
        cases.append({"id": f"kernels-entropy-{i:03d}-V{V}-{kind}-t{temp}", "op": "entropy",
                      "params": {"temperature": temp}, "inputs": {"logits": tolist(x)},
                      "expected": {"entropy": tolist(h)}, "rtol": 1e-5, "atol": atol,
                      "note": "float32 cancellation of logsumexp - sum p x at large logits, as in the public vectors"})
    return cases


# ---------------------------------------------------------------- full_kl
def full_kl_cases():
    cases = []
    specs = [(2, 2, 16, "near"), (1, 3, 100, "near"), (2, 2, 333, "independent"), (1, 1, 1500, "near"),
             (1, 2, 64, "equal"), (1, 2, 100, "shifted"), (2, 1, 64, "extreme"), (1, 2, 257, "wide")]
    for i, (B, T, V, kind) in enumerate(specs):
        if kind == "extreme":
            x, y = logits((B, T, V), "extreme"), logits((B, T, V), "extreme")
        elif kind == "wide":
            x, y = logits((B, T, V), "wide"), logits((B, T, V), "wide")
        else:
            x = logits((B, T, V), "llm")
            y = {"near": lambda: f32(x + 0.5 * rng.standard_normal(x.shape)),
                 "independent": lambda: logits((B, T, V), "llm"),
                 "equal": lambda: x.copy(),
                 "shifted": lambda: f32(x + 3.0)}[kind]()
        lp, lq = log_softmax(x), log_softmax(y)
        kl = (np.exp(lp) * (lp - lq)).sum(-1)
        cases.append({"id": f"kernels-full_kl-{i:03d}-V{V}-{kind}", "op": "full_kl", "params": {},
                      "inputs": {"logits": tolist(x), "ref_logits": tolist(y)}, "expected": {"kl": tolist(kl)},
                      "rtol": 1e-5, "atol": 1e-5})
    return cases


# ---------------------------------------------------------------- kl_per_token
def kl_per_token_cases():
    cases = []
    n = 300  # 18 vectors of 16 and a tail of 12
    for i, est in enumerate(["k1", "k2", "k3"]):
        lp = f32(-rng.uniform(0, 12, size=(3, n // 3)))
        scale = rng.choice([1e-4, 1e-2, 0.5, 3.0, 30.0], size=lp.shape)
        ref = f32(lp + np.clip(scale * rng.standard_normal(lp.shape), -60, 60))  # e^60 still fits a float
        d = ref - lp
        kl = {"k1": -d, "k2": 0.5 * d * d, "k3": np.expm1(d) - d}[est]
        cases.append({"id": f"kernels-kl_per_token-{i:03d}-{est}-n{n}", "op": "kl_per_token",
                      "params": {"estimator": est}, "inputs": {"logprobs": tolist(lp), "ref_logprobs": tolist(ref)},
                      "expected": {"kl": tolist(kl)}, "rtol": 1e-5, "atol": 1e-6})
    return cases


# ---------------------------------------------------------------- gae
def whiten(v, m, shift_mean):
    n = m.sum()
    mu = (v * m).sum() / n
    var = ((v - mu) ** 2 * m).sum() / n * n / (n - 1)
    w = (v - mu) / np.sqrt(var + 1e-8)
    return w if shift_mean else w + mu


def gae(rewards, values, mask, gamma, lam, whiten_rewards, trl):
    B, T = rewards.shape
    L = mask.sum(1).astype(int)
    vm = np.array([[1.0 if (t <= L[b] if trl else mask[b, t] == 1) else 0.0 for t in range(T)] for b in range(B)])
    v = values * vm
    r = whiten(rewards, vm, False) * vm if whiten_rewards else rewards
    A = np.zeros((B, T))
    for b in range(B):
        nxt_v, nxt_a = 0.0, 0.0
        for t in range(T - 1, -1, -1):
            delta = r[b, t] + gamma * nxt_v - v[b, t]
            A[b, t] = delta + gamma * lam * nxt_a
            nxt_v, nxt_a = v[b, t], A[b, t]
    returns = A + v
    adv = whiten(A, mask, True) * mask
    return adv, A, returns


def gae_cases():
    cases = []
    specs = [(3, 48, 1.0, 0.95, False, True), (2, 100, 0.99, 0.95, False, False), (4, 67, 1.0, 0.95, True, True),
             (2, 131, 0.95, 0.9, True, False), (2, 400, 1.0, 1.0, False, True), (3, 64, 1.0, 0.95, False, False)]
    for i, (B, T, gamma, lam, wr, trl) in enumerate(specs):
        lengths = [int(x) for x in rng.integers(0, T + 1, size=B)]
        lengths[0] = T            # a full row
        if B > 2:
            lengths[1] = 0        # an empty row
        mask = np.array([[1.0 if t < L else 0.0 for t in range(T)] for L in lengths])
        if not trl and i == 5:    # the paper placement admits holes in the mask
            mask[2, 5:9] = 0.0
        rewards = f32(0.1 * rng.standard_normal((B, T))) * mask
        for b in range(B):        # the score on the last response token (or the first padding slot, TRL)
            j = min(lengths[b], T - 1) if trl else max(lengths[b] - 1, 0)
            rewards[b, j] += f32(rng.standard_normal())
        values = f32(rng.standard_normal((B, T)))
        adv, raw, ret = gae(rewards, values, mask, gamma, lam, wr, trl)
        params = {"gamma": gamma, "lam": lam, "whiten_rewards": wr}
        if not trl:
            params["score_at"] = "last_valid"
        cases.append({"id": f"kernels-gae-{i:03d}-B{B}T{T}-{'trl' if trl else 'last_valid'}{'-wr' if wr else ''}",
                      "op": "gae", "params": params,
                      "inputs": {"rewards": tolist(rewards), "values": tolist(values), "mask": tolist(mask.astype(int))},
                      "expected": {"advantages": tolist(adv), "raw_advantages": tolist(raw), "returns": tolist(ret)},
                      "rtol": 1e-5, "atol": 1e-6})
    return cases


# ---------------------------------------------------------------- grpo_advantages
def grpo_cases():
    cases = []
    specs = [(4, 12, "group"), (8, 10, "group"), (16, 6, "group"), (8, 6, "batch"), (16, 4, "none"), (5, 7, "group"),
             (8, 5, "group")]
    for i, (G, N, scale) in enumerate(specs):
        r = f32(rng.standard_normal(N * G) * 2 + rng.choice([0.0, 1000.5]))
        if i == 6:
            r[:G] = f32(3.25)      # an all-equal group gives exactly 0
            r[G:2 * G] = f32(1000.5 + 0.01 * rng.standard_normal(G))  # far from 0, small spread
        g = r.reshape(N, G)
        mean = g.mean(1, keepdims=True)
        a = g - mean
        if scale == "group":
            a = a / (g.std(1, ddof=1, keepdims=True) + 1e-4)
        elif scale == "batch":
            a = a / (r.std(ddof=1) + 1e-4)
        cases.append({"id": f"kernels-grpo_advantages-{i:03d}-G{G}-{scale}", "op": "grpo_advantages",
                      "params": {"num_generations": G, "scale_rewards": scale,
                                 "multi_objective_aggregation": "sum_then_normalize"},
                      "inputs": {"rewards": tolist(r)}, "expected": {"advantages": tolist(a.reshape(-1))},
                      "rtol": 1e-5, "atol": 1e-6})
    return cases


write("token_logprobs.jsonl", token_logprobs_cases())
write("entropy.jsonl", entropy_cases())
write("full_kl.jsonl", full_kl_cases())
write("kl_per_token.jsonl", kl_per_token_cases())
write("gae.jsonl", gae_cases())
write("grpo_advantages.jsonl", grpo_cases())
