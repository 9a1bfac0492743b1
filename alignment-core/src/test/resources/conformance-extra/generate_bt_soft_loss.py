#!/usr/bin/env python3
"""Generates bt_soft_loss.jsonl: align4j's own conformance cases for the soft-label Bradley-Terry loss, computed in
float64 with PyTorch (values by torch's logsigmoid, gradients by torch autograd), in the JSONL format of
shared/conformance/README.md.

The op (align4j's, not in the public vectors; LabelMode.SOFT in dev.align4j.core.reward):

## bt_soft_loss  (Bradley-Terry reward-model loss with soft labels; Bai et al. 2022, Constitutional AI, sec. 4.1)
* params: `center_rewards_coefficient` (`null` or number). No margins: align4j refuses margins with soft labels.
* inputs: `chosen_rewards[N]`, `rejected_rewards[N]`, `p_chosen[N]` (soft labels P(chosen > rejected) in [0, 1]).
* With `d = c - r`:
  `loss = mean(-[p*log sig(d) + (1 - p)*log sig(-d)])`, plus `coef * mean((c + r)^2)` when the coefficient is not
  null; `accuracy = mean([c > r])` (strict, against the chosen side whatever p says); `mean_margin = mean(c - r)`;
  `grad_chosen_rewards[N]` and `grad_rejected_rewards[N]` = d loss / d c and d loss / d r, i.e.
  `(sig(d) - p)/N + 2*coef*(c + r)/N` and `-(sig(d) - p)/N + 2*coef*(c + r)/N`.
* At p = 1 the loss is bt_loss's with margin_mode "none" (several cases check exactly that input).

The script checks torch's autograd against the closed-form gradient above before writing anything, and every input
is rounded to float32 first, as the format requires. This is an independent implementation of the formula, written
from the formula and not from the Java code.

Run from this folder with a Python that has torch and numpy (Debian: apt-get install python3-torch):
    /usr/bin/python3 generate_bt_soft_loss.py      (deterministic; rewrites bt_soft_loss.jsonl)
"""
import json

import numpy as np
import torch

rng = np.random.default_rng(20261212)
torch.set_default_dtype(torch.float64)


def f32(x):
    """Round to float32 so that inputs are exactly representable, as the format requires."""
    return np.asarray(x, dtype=np.float32).astype(np.float64)


def soft_bt(c, r, p, coef):
    """The op in float64 torch; returns the expected fields."""
    ct = torch.tensor(c, requires_grad=True)
    rt = torch.tensor(r, requires_grad=True)
    pt = torch.tensor(p)
    d = ct - rt
    per_pair = -(pt * torch.nn.functional.logsigmoid(d) + (1 - pt) * torch.nn.functional.logsigmoid(-d))
    loss = per_pair.mean()
    if coef is not None:
        loss = loss + coef * ((ct + rt) ** 2).mean()
    loss.backward()
    n = len(c)
    # the closed form, as an independent check of autograd: d/dd of the per-pair loss is sig(d) - p
    g = (torch.sigmoid(d.detach()) - pt) / n
    center = 2 * (coef or 0.0) * (ct.detach() + rt.detach()) / n
    assert torch.allclose(ct.grad, g + center, rtol=1e-12, atol=1e-15), (ct.grad, g + center)
    assert torch.allclose(rt.grad, -g + center, rtol=1e-12, atol=1e-15), (rt.grad, -g + center)
    dn = np.asarray(c) - np.asarray(r)
    if np.all(np.asarray(p) == 1):  # p = 1 is bt_loss (margin_mode none), computed here a second way with numpy
        hard = np.mean(np.logaddexp(0.0, -dn)) + (coef or 0.0) * np.mean((np.asarray(c) + np.asarray(r)) ** 2)
        assert abs(float(loss) - hard) <= 1e-12 * max(1.0, abs(hard)), (float(loss), hard)
    return {"loss": float(loss), "accuracy": float(np.mean(dn > 0)), "mean_margin": float(np.mean(dn)),
            "grad_chosen_rewards": ct.grad.tolist(), "grad_rejected_rewards": rt.grad.tolist()}


cases = []


def case(name, c, r, p, coef=None, note=None, rtol=1e-5, atol=1e-6):
    c, r, p = f32(c), f32(r), f32(p)
    assert np.all((p >= 0) & (p <= 1))
    entry = {"id": f"align4j-bt_soft_loss-{len(cases):03d}-{name}", "op": "bt_soft_loss",
             "params": {"center_rewards_coefficient": coef},
             "inputs": {"chosen_rewards": c.tolist(), "rejected_rewards": r.tolist(), "p_chosen": p.tolist()},
             "expected": soft_bt(c, r, p, coef), "rtol": rtol, "atol": atol}
    if note:
        entry["note"] = note
    cases.append(entry)


# random rewards and labels anywhere in [0, 1]
for n, scale, coef in [(16, 2.0, None), (8, 5.0, 0.01), (32, 1.0, None), (5, 3.0, 0.0)]:
    case(f"random_n{n}_c{coef}", rng.normal(scale=scale, size=n), rng.normal(scale=scale, size=n),
         rng.uniform(0, 1, size=n), coef)

# labels as a constitutional labeller writes them (>= 0.5, both orders averaged)
case("labeller_like", rng.normal(scale=2, size=12), rng.normal(scale=2, size=12), rng.uniform(0.5, 1, size=12),
     note="p_chosen >= 0.5, as ConstitutionalLabeller writes it")

# p = 1 everywhere: bt_loss with margin_mode none on the same rewards
c1, r1 = rng.normal(scale=2, size=10), rng.normal(scale=2, size=10)
case("all_p1_is_hard", c1, r1, np.ones(10), note="p = 1: the loss is bt_loss's (margin_mode none)")
case("all_p1_is_hard_centered", c1, r1, np.ones(10), 0.05, note="p = 1 with centring: bt_loss's plus the centre term")

# p = 0 everywhere: the hard loss of the swapped pair
case("all_p0", c1, r1, np.zeros(10), note="p = 0: bt_loss of (rejected, chosen)")

# p = 0.5 at equal rewards: loss ln 2, gradient exactly zero
eq = rng.normal(scale=3, size=6)
case("half_at_equal_rewards", eq, eq, np.full(6, 0.5), note="p = 0.5 and c = r: loss ln 2, zero gradient")

# p = 0.5 at unequal rewards: the gradient pulls d back to 0
case("half_unequal", rng.normal(scale=2, size=8), rng.normal(scale=2, size=8), np.full(8, 0.5))

# large |d|: log sig(x) for |x| up to 100 without overflow or -inf
big_c = np.array([100.0, -100.0, 80.0, -80.0, 60.0, -60.0, 0.0, 100.0])
big_r = np.array([0.0, 0.0, -10.0, 10.0, 0.0, 0.0, 0.0, -0.0])
case("large_margins", big_c, big_r, np.array([1.0, 0.0, 0.3, 0.7, 0.5, 0.5, 0.5, 0.0]),
     note="|d| up to 100: a log sigma that is not stable overflows or returns -inf; per-pair losses up to 100")

# ties in the rewards (accuracy is strict) and one pair
case("ties_strict_accuracy", [1.0, 2.0, -3.0, 0.5], [1.0, 1.0, -3.0, 0.75], [0.9, 0.6, 0.5, 0.2],
     note="equal rewards do not count as correct")
case("one_pair", [0.25], [-1.5], [0.8], 0.1)

with open("bt_soft_loss.jsonl", "w") as f:
    for entry in cases:
        f.write(json.dumps(entry) + "\n")
print("wrote", len(cases), "cases")
