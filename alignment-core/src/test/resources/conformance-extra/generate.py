#!/usr/bin/env python3
"""Generates align4j's own conformance cases (same JSONL format as shared/conformance) with numpy in float64.

They cover what the public vectors leave out: the paper-default score placement for GAE and the value loss (value mask
= response tokens only, score on the last response token), DPO variants without public cases (sigmoid_norm, sppo_hard,
f-divergences on other losses), GRPO advantages with normalize_then_sum, and GRPO losses with the KL bias correction,
an explicit num_items_in_batch and token-level luspo. This is an independent re-implementation of the formulas in
shared/conformance/README.md, written without looking at the Java code.

Run from this folder: python3 generate.py   (numpy only; deterministic)
"""
import json
import numpy as np

rng = np.random.default_rng(20261127)


def f32(x):
    """Round to float32 so that inputs are exactly representable, as the format requires."""
    return np.asarray(x, dtype=np.float32).astype(np.float64)


def tolist(a):
    return np.asarray(a).tolist()


def write(name, cases):
    with open(name, "w") as f:
        for c in cases:
            f.write(json.dumps(c) + "\n")


def prefix_mask(lengths, T):
    return np.array([[1 if t < L else 0 for t in range(T)] for L in lengths], dtype=np.float64)


def whiten(v, m, shift_mean):
    n = m.sum()
    mu = (v * m).sum() / n
    var = ((v - mu) ** 2 * m).sum() / n * n / (n - 1)
    w = (v - mu) / np.sqrt(var + 1e-8)
    return w if shift_mean else w + mu


def log_sigmoid(x):
    return -np.logaddexp(0.0, -x)


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


# ---------------------------------------------------------------- gae, paper placement (value mask = mask)
def gae_last(rewards, values, mask, gamma, lam, whiten_rewards):
    B, T = rewards.shape
    vm = mask
    v = values * vm
    r = whiten(rewards, vm, False) * vm if whiten_rewards else rewards
    A = np.zeros((B, T))
    for b in range(B):
        nv, na = 0.0, 0.0
        for t in reversed(range(T)):
            d = r[b, t] + gamma * nv - v[b, t]
            na = d + gamma * lam * na
            A[b, t] = na
            nv = v[b, t]
    ret = A + v
    adv = whiten(A, mask, True) * mask
    return adv, A, ret


gae_cases = []
for i, (lengths, T, gamma, lam, wr) in enumerate([
        ([3, 5, 1], 5, 1.0, 0.95, False), ([4, 2], 6, 0.99, 0.95, True), ([6, 6], 6, 0.95, 0.9, False),
        ([1, 1, 2], 4, 1.0, 1.0, False), ([5, 3, 4, 2], 7, 0.99, 0.9, True)]):
    B = len(lengths)
    mask = prefix_mask(lengths, T)
    values = f32(rng.normal(size=(B, T)))
    rewards = f32(rng.normal(scale=0.05, size=(B, T))) * mask
    for b, L in enumerate(lengths):  # the score on the last response token, as LAST_RESPONSE_TOKEN places it
        rewards[b, L - 1] = f32(rewards[b, L - 1] + rng.normal())
    rewards = f32(rewards)
    adv, raw, ret = gae_last(rewards, values, mask, gamma, lam, wr)
    gae_cases.append({"id": f"align4j-gae-{i:03d}-last_response_token", "op": "gae",
                      "params": {"gamma": gamma, "lam": lam, "whiten_rewards": wr, "score_at": "last_valid"},
                      "inputs": {"rewards": tolist(rewards), "values": tolist(values), "mask": tolist(mask.astype(int))},
                      "expected": {"advantages": tolist(adv), "raw_advantages": tolist(raw), "returns": tolist(ret)},
                      "rtol": 1e-5, "atol": 1e-5,
                      "note": "paper placement: value mask = response tokens, score on the last response token"})
write("gae_last_response_token.jsonl", gae_cases)

# ---------------------------------------------------------------- ppo value loss, paper placement
vl_cases = []
for i, (lengths, T, c) in enumerate([([3, 5, 1], 5, 0.2), ([4, 2], 6, 0.0), ([6, 6, 2], 6, 0.25)]):
    B = len(lengths)
    mask = prefix_mask(lengths, T)
    values = f32(rng.normal(size=(B, T)))
    old = f32(values + rng.normal(scale=0.3, size=(B, T)))
    returns = f32(rng.normal(size=(B, T)))
    vm = mask
    v, o = values * vm, old * vm
    vc = np.clip(v, o - c, o + c)
    l1, l2 = (v - returns) ** 2, (vc - returns) ** 2
    loss = 0.5 * (np.maximum(l1, l2) * vm).sum() / vm.sum()
    clipfrac = ((l2 > l1) * vm).sum() / vm.sum()
    vl_cases.append({"id": f"align4j-ppo_value_loss-{i:03d}-last_response_token", "op": "ppo_value_loss",
                     "params": {"cliprange_value": c, "score_at": "last_valid"},
                     "inputs": {"values": tolist(values), "old_values": tolist(old), "returns": tolist(returns),
                                "mask": tolist(mask.astype(int))},
                     "expected": {"loss": loss, "clipfrac": clipfrac, "value_mask": tolist(vm.astype(int))},
                     "note": "paper placement: the value mask is the response mask"})
write("ppo_value_loss_last_response_token.jsonl", vl_cases)

# ---------------------------------------------------------------- dpo variants
def dpo_case(i, loss_type, div, beta, n=6, ls=0.0, alpha=0.5, tau=0.05, weights=None):
    pc, pr, rc, rr = (f32(rng.normal(loc=-20, scale=4, size=n)) for _ in range(4))
    lc = rng.integers(0, 12, size=n).astype(float)
    lr = rng.integers(0, 12, size=n).astype(float)
    a, b = pc - rc, pr - rr

    def s(x):
        if div == "reverse_kl":
            return x
        if div == "forward_kl":
            return -np.exp(-x)
        if div == "js_divergence":
            return log_sigmoid(x)
        if abs(alpha - 1) < 1e-6:
            return x
        return np.exp(np.minimum((alpha - 1) * x, 80)) / (alpha - 1)

    sa, sb = s(a), s(b)
    D = sa - sb
    Lc, Lr = np.maximum(lc, 1), np.maximum(lr, 1)

    def one(t):
        if t == "sigmoid":
            return -log_sigmoid(beta * D)
        if t == "sigmoid_norm":
            return -log_sigmoid(beta * (sa / Lc - sb / Lr))
        if t == "ipo":
            return (sa / Lc - sb / Lr - 1 / (2 * beta)) ** 2
        if t == "sppo_hard":
            return (sa - 1 / (2 * beta)) ** 2 + (sb + 1 / (2 * beta)) ** 2
        if t == "hinge":
            return np.maximum(0, 1 - beta * D)
        if t == "bco_pair":
            return -log_sigmoid(beta * sa) - log_sigmoid(-beta * sb)
        if t == "robust":
            return ((1 - ls) * (-log_sigmoid(beta * D)) + ls * log_sigmoid(-beta * D)) / (1 - 2 * ls)
        if t == "discopop":
            z = beta * D
            w = sigmoid(z / tau)
            return -log_sigmoid(z) * (1 - w) + np.exp(-z) * w
        raise ValueError(t)

    types = loss_type if isinstance(loss_type, list) else [loss_type]
    ws = weights or [1.0] * len(types)
    losses = sum(w * one(t) for t, w in zip(types, ws))
    inputs = {"policy_chosen_logps": tolist(pc), "policy_rejected_logps": tolist(pr),
              "ref_chosen_logps": tolist(rc), "ref_rejected_logps": tolist(rr),
              "chosen_lengths": tolist(lc.astype(int)), "rejected_lengths": tolist(lr.astype(int))}
    params = {"beta": beta, "loss_type": loss_type, "label_smoothing": ls, "discopop_tau": tau,
              "f_divergence_type": div, "f_alpha_divergence_coef": alpha}
    if weights:
        params["loss_weights"] = weights
    return {"id": f"align4j-dpo_loss-{i:03d}-{'+'.join(types)}-{div}", "op": "dpo_loss", "params": params,
            "inputs": inputs,
            "expected": {"losses": tolist(losses), "loss": float(losses.mean()),
                         "chosen_rewards": tolist(beta * a), "rejected_rewards": tolist(beta * b),
                         "reward_accuracy": float(np.mean(beta * a > beta * b)),
                         "reward_margin": float(np.mean(beta * a - beta * b))},
            "rtol": 1e-4, "atol": 1e-5,
            "note": "float32 log-ratios of sums near -20: rtol 1e-4 covers the rounding of the differences"}


dpo_cases = [dpo_case(0, "sigmoid_norm", "reverse_kl", 0.1), dpo_case(1, "sppo_hard", "reverse_kl", 0.5),
             dpo_case(2, "sigmoid_norm", "js_divergence", 0.1), dpo_case(3, "ipo", "forward_kl", 0.1),
             dpo_case(4, "hinge", "alpha_divergence", 0.05, alpha=0.5),
             dpo_case(5, ["sigmoid", "bco_pair"], "reverse_kl", 0.1, weights=[0.7, 0.3]),
             dpo_case(6, "robust", "js_divergence", 0.1, ls=0.1),
             dpo_case(7, "discopop", "reverse_kl", 0.1, tau=0.05)]
write("dpo_loss_variants.jsonl", dpo_cases)

# ---------------------------------------------------------------- grpo advantages, normalize_then_sum
def std(x):
    return np.std(x, ddof=1) if len(x) > 1 else 0.0


adv_cases = []
for i, (N, G, K, weights) in enumerate([(3, 4, 2, [1.0, 0.5]), (2, 8, 3, None), (4, 2, 2, [2.0, -1.0])]):
    R = f32(rng.integers(0, 3, size=(N * G, K)) + rng.normal(scale=0.1, size=(N * G, K)))
    if i == 1:
        R[:G, 0] = 1.0  # one function constant within a group
    w = np.array(weights or [1.0] * K)
    Z = np.zeros_like(R)
    for k in range(K):
        for g in range(N):
            x = R[g * G:(g + 1) * G, k]
            Z[g * G:(g + 1) * G, k] = (x - x.mean()) / (std(x) + 1e-4)
    r = (Z * w).sum(1)
    A = (r - r.mean()) / (std(r) + 1e-4)
    params = {"num_generations": G, "scale_rewards": "group", "multi_objective_aggregation": "normalize_then_sum"}
    if weights:
        params["reward_weights"] = weights
    adv_cases.append({"id": f"align4j-grpo_advantages-{i:03d}-normalize_then_sum", "op": "grpo_advantages",
                      "params": params, "inputs": {"rewards_per_func": tolist(R)},
                      "expected": {"advantages": tolist(A)}, "rtol": 1e-5, "atol": 1e-5})
write("grpo_advantages_normalize_then_sum.jsonl", adv_cases)

# ---------------------------------------------------------------- grpo losses
def grpo_case(i, loss_type, beta, level="token", bias=False, items=None, procs=1, el=0.2, eh=0.28, delta=None,
              Lmax=8):
    B, T = 4, 6
    lengths = [6, 3, 0, 5]
    mask = prefix_mask(lengths, T)
    mask[3, 1] = 0  # a hole
    lp = f32(rng.normal(loc=-2, scale=0.5, size=(B, T)))
    old = f32(lp + rng.normal(scale=0.15, size=(B, T)))
    ref = f32(lp + rng.normal(scale=0.2, size=(B, T)))
    A = f32(rng.normal(size=B))
    L = mask.sum(1)
    lr = lp - old
    if level == "token":
        rho = np.exp(lr)
    else:
        rho = np.exp((lr * mask).sum(1) / np.maximum(L, 1))[:, None]
    Ab = A[:, None]
    k = None
    if beta != 0:
        d = ref - lp
        k = np.exp(d) - d - 1
        if bias:
            k = k * rho
    rho_hat = np.clip(rho, 1 - el, 1 + eh)
    rho_c = np.minimum(rho, delta) if delta is not None else rho
    loss_tok = -np.minimum(rho_c * Ab, rho_hat * Ab)
    if k is not None:
        loss_tok = loss_tok + beta * k
    lt = np.broadcast_to(loss_tok, (B, T)) if loss_tok.shape[1] == 1 and loss_type != "luspo" else loss_tok
    if loss_type == "grpo":
        loss = np.mean((lt * mask).sum(1) / np.maximum(L, 1))
    elif loss_type == "bnpo":
        loss = (lt * mask).sum() / max(mask.sum(), 1)
    elif loss_type == "dr_grpo":
        loss = (lt * mask).sum() / (B * Lmax)
    elif loss_type == "dapo":
        n = mask.sum() if items is None else items
        loss = (lt * mask).sum() / (max(n, 1) / procs)
    elif loss_type == "luspo":
        loss = np.mean(loss_tok * L[:, None])
    expected = {"loss": float(loss)}
    if k is not None:
        expected["kl"] = float((k * mask).sum() / max(mask.sum(), 1))
    low = ((rho_c < 1 - el) & (Ab < 0)).astype(float)
    high = ((rho_c > 1 + eh) & (Ab > 0)).astype(float)
    region = np.maximum(low, high)
    if rho.shape[1] == 1:
        expected.update({"clip_ratio_low_mean": low.mean(), "clip_ratio_high_mean": high.mean(),
                         "clip_ratio_region_mean": region.mean(), "clip_ratio_low_min": low.min(),
                         "clip_ratio_high_max": high.max()})
    else:
        ne = L > 0
        mm = lambda x: (x * mask).sum() / max(mask.sum(), 1)
        rows = lambda x: (x * mask).sum(1)[ne] / L[ne]
        expected.update({"clip_ratio_low_mean": mm(low), "clip_ratio_high_mean": mm(high),
                         "clip_ratio_region_mean": mm(region), "clip_ratio_low_min": rows(low).min(),
                         "clip_ratio_high_max": rows(high).max()})
    expected = {k2: float(v) for k2, v in expected.items()}
    return {"id": f"align4j-grpo_loss-{i:03d}-{loss_type}_{level}_b{beta}", "op": "grpo_loss",
            "params": {"loss_type": loss_type, "epsilon_low": el, "epsilon_high": eh, "beta": beta,
                       "max_completion_length": Lmax, "delta": delta, "importance_sampling_level": level,
                       "num_items_in_batch": items, "num_processes": procs, "use_bias_correction_kl": bias},
            "inputs": {"per_token_logps": tolist(lp), "old_per_token_logps": tolist(old),
                       "ref_per_token_logps": tolist(ref), "advantages": tolist(A),
                       "mask": tolist(mask.astype(int))},
            "expected": expected, "rtol": 1e-5, "atol": 2e-6}


grpo_cases = [grpo_case(0, "grpo", 0.04, bias=True), grpo_case(1, "dapo", 0.04, items=40, procs=2),
              grpo_case(2, "luspo", 0.0, level="token"), grpo_case(3, "bnpo", 0.1, level="sequence"),
              grpo_case(4, "dr_grpo", 0.0, delta=1.5, el=0.1, eh=0.1),
              grpo_case(5, "luspo", 0.04, level="sequence")]
write("grpo_loss_variants.jsonl", grpo_cases)
print("wrote", len(gae_cases) + len(vl_cases) + len(dpo_cases) + len(adv_cases) + len(grpo_cases), "cases")
