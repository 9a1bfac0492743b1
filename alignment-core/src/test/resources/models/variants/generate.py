#!/usr/bin/env python3
"""Generates checkpoint variants that the shared tiny models do not cover, with float64 reference outputs.

Each folder holds config.json, model.safetensors (or shards + index), the tokenizer files of tiny-llama or tiny-gpt2
(copied from ../tiny-*) and expected.json in the shared format (cases: text, add_special_tokens, input_ids,
next_token_logprobs, greedy.ids). The forward passes below are an independent numpy re-implementation of
transformers' modeling_llama.py / modeling_gpt2.py as specified in shared/models/README.md; the token ids come from
the shared expected.json files of the same tokenizer. Weights are random; header keys are written in alphabetical
order while data is stored in module order, as Hugging Face files are.

Variants:
  llama-mqa-tied      multi-query attention (1 kv head), tied embeddings, explicit head_dim != hidden/heads,
                      rope_theta 500000
  llama-defaults      keys left out (head_dim, num_key_value_heads, tie_word_embeddings), attention_bias and
                      mlp_bias on, 3 layers, rope_theta 1e6
  qwen2-tied          model_type qwen2: q/k/v biases without o_proj bias, tied, GQA 6/2
  llama-sharded-bf16  weights stored as BF16 across two shards with model.safetensors.index.json
  gpt2-hub-names      GPT-2 in the original hub layout: no "transformer." prefix, attn.bias and attn.masked_bias
                      buffers, a redundant lm_head.weight, n_inner given, F16 weights

Run from this folder: python3 generate.py   (numpy only, deterministic)
"""
import json
import os
import shutil
import struct

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(7)


def write_safetensors(path, tensors, dtype="F32"):
    """tensors: list of (name, float array) in module order; header keys sorted alphabetically."""
    offsets, blobs, pos = {}, [], 0
    for name, a in tensors:
        a = np.ascontiguousarray(a, dtype=np.float32)
        if dtype == "F32":
            b = a.astype("<f4").tobytes()
            dt = "F32"
        elif dtype == "F16":
            b = a.astype("<f2").tobytes()
            dt = "F16"
        elif dtype == "BF16":
            b = (a.view(np.uint32) >> 16).astype("<u2").tobytes()
            dt = "BF16"
        else:
            b = a.astype("<f4").tobytes()
            dt = dtype
        offsets[name] = (dt, list(a.shape), pos, pos + len(b))
        blobs.append(b)
        pos += len(b)
    header = {"__metadata__": {"format": "pt"}}
    for name in sorted(offsets):
        dt, shape, s, e = offsets[name]
        header[name] = {"dtype": dt, "shape": shape, "data_offsets": [s, e]}
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - (8 + len(h)) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def stored(a, dtype):
    """The float64 values a reader gets back from `a` written as dtype."""
    a = np.asarray(a, dtype=np.float32)
    if dtype == "F16":
        return a.astype(np.float16).astype(np.float64)
    if dtype == "BF16":
        return ((a.view(np.uint32) >> 16) << 16).view(np.float32).astype(np.float64)
    return a.astype(np.float64)


def log_softmax(x):
    m = x.max(-1, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(-1, keepdims=True))


# ------------------------------------------------------------------ llama family
def llama_weights(c):
    h, nh, nkv, d, inter = c["hidden_size"], c["num_attention_heads"], c["num_key_value_heads_eff"], c["head_dim_eff"], \
        c["intermediate_size"]
    qkv_bias, o_bias, mlp_bias = c["_qkv_bias"], c["_o_bias"], c.get("mlp_bias", False)
    t = [("model.embed_tokens.weight", rng.normal(0, 0.5, (c["vocab_size"], h)))]
    for i in range(c["num_hidden_layers"]):
        p = f"model.layers.{i}."
        t.append((p + "input_layernorm.weight", rng.normal(1, 0.1, h)))
        for n, out in (("q", nh * d), ("k", nkv * d), ("v", nkv * d)):
            t.append((p + f"self_attn.{n}_proj.weight", rng.normal(0, 0.3, (out, h))))
            if qkv_bias:
                t.append((p + f"self_attn.{n}_proj.bias", rng.normal(0, 0.1, out)))
        t.append((p + "self_attn.o_proj.weight", rng.normal(0, 0.3, (h, nh * d))))
        if o_bias:
            t.append((p + "self_attn.o_proj.bias", rng.normal(0, 0.1, h)))
        t.append((p + "post_attention_layernorm.weight", rng.normal(1, 0.1, h)))
        t.append((p + "mlp.gate_proj.weight", rng.normal(0, 0.3, (inter, h))))
        if mlp_bias:
            t.append((p + "mlp.gate_proj.bias", rng.normal(0, 0.1, inter)))
        t.append((p + "mlp.up_proj.weight", rng.normal(0, 0.3, (inter, h))))
        if mlp_bias:
            t.append((p + "mlp.up_proj.bias", rng.normal(0, 0.1, inter)))
        t.append((p + "mlp.down_proj.weight", rng.normal(0, 0.3, (h, inter))))
        if mlp_bias:
            t.append((p + "mlp.down_proj.bias", rng.normal(0, 0.1, h)))
    t.append(("model.norm.weight", rng.normal(1, 0.1, h)))
    if not c["_tied"]:
        t.append(("lm_head.weight", rng.normal(0, 0.5, (c["vocab_size"], h))))
    return [(n, np.asarray(a, dtype=np.float32)) for n, a in t]


def llama_forward(c, W, ids):
    h, nh, nkv, d = c["hidden_size"], c["num_attention_heads"], c["num_key_value_heads_eff"], c["head_dim_eff"]
    eps, theta = c["rms_norm_eps"], c["rope_theta"]
    T = len(ids)

    def rms(x, w):
        return w * x / np.sqrt((x * x).mean(-1, keepdims=True) + eps)

    def lin(x, name):
        y = x @ W[name + ".weight"].T
        return y + W[name + ".bias"] if name + ".bias" in W else y

    inv = 1.0 / theta ** (np.arange(0, d // 2) * 2.0 / d)
    ang = np.arange(T)[:, None] * inv[None, :]
    cos, sin = np.cos(ang), np.sin(ang)

    def rope(x):  # x (T, heads, d)
        x1, x2 = x[..., : d // 2], x[..., d // 2:]
        cc, ss = cos[:, None, :], sin[:, None, :]
        return np.concatenate([x1 * cc - x2 * ss, x2 * cc + x1 * ss], -1)

    X = W["model.embed_tokens.weight"][ids]
    for i in range(c["num_hidden_layers"]):
        p = f"model.layers.{i}."
        A = rms(X, W[p + "input_layernorm.weight"])
        Q = rope(lin(A, p + "self_attn.q_proj").reshape(T, nh, d))
        K = rope(lin(A, p + "self_attn.k_proj").reshape(T, nkv, d))
        V = lin(A, p + "self_attn.v_proj").reshape(T, nkv, d)
        outs = []
        for j in range(nh):
            kv = j // (nh // nkv)
            S = Q[:, j] @ K[:, kv].T / np.sqrt(d)
            S = S + np.triu(np.full((T, T), -np.inf), 1)
            P = np.exp(S - S.max(-1, keepdims=True))
            P /= P.sum(-1, keepdims=True)
            outs.append(P @ V[:, kv])
        X = X + lin(np.concatenate(outs, -1), p + "self_attn.o_proj")
        B = rms(X, W[p + "post_attention_layernorm.weight"])
        g = lin(B, p + "mlp.gate_proj")
        X = X + lin(g / (1 + np.exp(-g)) * lin(B, p + "mlp.up_proj"), p + "mlp.down_proj")
    X = rms(X, W["model.norm.weight"])
    head = W["model.embed_tokens.weight"] if c["_tied"] else W["lm_head.weight"]
    return X @ head.T


# ------------------------------------------------------------------ gpt-2
def gpt2_weights(c):
    E, inner = c["n_embd"], c["n_inner"]
    t = [("wte.weight", rng.normal(0, 0.5, (c["vocab_size"], E))), ("wpe.weight", rng.normal(0, 0.2, (c["n_positions"], E)))]
    for i in range(c["n_layer"]):
        p = f"h.{i}."
        t += [(p + "ln_1.weight", rng.normal(1, 0.1, E)), (p + "ln_1.bias", rng.normal(0, 0.1, E)),
              (p + "attn.bias", np.tril(np.ones((c["n_positions"], c["n_positions"])))[None, None]),
              (p + "attn.masked_bias", np.array(-1e4)),
              (p + "attn.c_attn.weight", rng.normal(0, 0.3, (E, 3 * E))), (p + "attn.c_attn.bias", rng.normal(0, 0.1, 3 * E)),
              (p + "attn.c_proj.weight", rng.normal(0, 0.3, (E, E))), (p + "attn.c_proj.bias", rng.normal(0, 0.1, E)),
              (p + "ln_2.weight", rng.normal(1, 0.1, E)), (p + "ln_2.bias", rng.normal(0, 0.1, E)),
              (p + "mlp.c_fc.weight", rng.normal(0, 0.3, (E, inner))), (p + "mlp.c_fc.bias", rng.normal(0, 0.1, inner)),
              (p + "mlp.c_proj.weight", rng.normal(0, 0.3, (inner, E))), (p + "mlp.c_proj.bias", rng.normal(0, 0.1, E))]
    t += [("ln_f.weight", rng.normal(1, 0.1, E)), ("ln_f.bias", rng.normal(0, 0.1, E))]
    t.append(("lm_head.weight", rng.normal(0, 0.5, (c["vocab_size"], E))))  # present in some files; HF ignores it
    return [(n, np.asarray(a, dtype=np.float32)) for n, a in t]


def gpt2_forward(c, W, ids):
    E, nh, eps = c["n_embd"], c["n_head"], c["layer_norm_epsilon"]
    d, T = E // nh, len(ids)

    def ln(x, p):
        m = x.mean(-1, keepdims=True)
        v = ((x - m) ** 2).mean(-1, keepdims=True)
        return (x - m) / np.sqrt(v + eps) * W[p + ".weight"] + W[p + ".bias"]

    def gelu_new(z):
        return 0.5 * z * (1 + np.tanh(np.sqrt(2 / np.pi) * (z + 0.044715 * z ** 3)))

    X = W["wte.weight"][ids] + W["wpe.weight"][:T]
    for i in range(c["n_layer"]):
        p = f"h.{i}."
        A = ln(X, p + "ln_1")
        QKV = A @ W[p + "attn.c_attn.weight"] + W[p + "attn.c_attn.bias"]
        Q, K, V = QKV[:, :E], QKV[:, E:2 * E], QKV[:, 2 * E:]
        outs = []
        for j in range(nh):
            s = slice(j * d, (j + 1) * d)
            S = Q[:, s] @ K[:, s].T / np.sqrt(d) + np.triu(np.full((T, T), -np.inf), 1)
            P = np.exp(S - S.max(-1, keepdims=True))
            P /= P.sum(-1, keepdims=True)
            outs.append(P @ V[:, s])
        X = X + np.concatenate(outs, -1) @ W[p + "attn.c_proj.weight"] + W[p + "attn.c_proj.bias"]
        B = ln(X, p + "ln_2")
        X = X + gelu_new(B @ W[p + "mlp.c_fc.weight"] + W[p + "mlp.c_fc.bias"]) @ W[p + "mlp.c_proj.weight"] \
            + W[p + "mlp.c_proj.bias"]
    X = ln(X, "ln_f")
    return X @ W["wte.weight"].T


# ------------------------------------------------------------------ driver
def expected_for(forward, c, W, cases, greedy_steps=8):
    out = []
    for case in cases:
        ids = list(case["input_ids"])
        lp = log_softmax(forward(c, W, ids))
        nxt = [float(lp[t, ids[t + 1]]) for t in range(len(ids) - 1)]
        seq, gl = list(ids), []
        for _ in range(greedy_steps):
            logits = forward(c, W, seq)[-1]
            k = int(np.argmax(logits))
            top2 = np.sort(logits)[-2:]
            assert top2[1] - top2[0] > 1e-3, "argmax too close for a float32 implementation"
            gl.append(float(log_softmax(logits)[k]))
            seq.append(k)
        out.append({"name": case["name"], "text": case["text"], "add_special_tokens": case["add_special_tokens"],
                    "input_ids": ids, "next_token_logprobs": nxt, "greedy": {"ids": seq[len(ids):], "logprobs": gl}})
    return out


def make(name, config, tokenizer_from, weights, forward, dtype="F32", shards=1):
    folder = os.path.join(HERE, name)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    src = os.path.join(HERE, "..", tokenizer_from)
    for f in ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "generation_config.json"):
        shutil.copy(os.path.join(src, f), folder)
    public = {k: v for k, v in config.items() if not k.startswith("_") and not k.endswith("_eff")}
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(public, f, indent=2)
    if shards == 1:
        write_safetensors(os.path.join(folder, "model.safetensors"), weights, dtype)
    else:
        per = (len(weights) + shards - 1) // shards
        index = {"metadata": {"total_size": 0}, "weight_map": {}}
        for s in range(shards):
            part = weights[s * per:(s + 1) * per]
            fname = f"model-{s + 1:05d}-of-{shards:05d}.safetensors"
            write_safetensors(os.path.join(folder, fname), part, dtype)
            for n, _ in part:
                index["weight_map"][n] = fname
        with open(os.path.join(folder, "model.safetensors.index.json"), "w") as f:
            json.dump(index, f, indent=2)
    W = {n: stored(a, dtype) for n, a in weights}
    cases = json.load(open(os.path.join(src, "expected.json")))["cases"]
    exp = {"format": "align4j-variant-1", "model": name, "tolerance": {"logprob_abs": 1e-4},
           "reference": "float64 numpy forward over the stored weights (generate.py)",
           "cases": expected_for(forward, config, W, cases)}
    with open(os.path.join(folder, "expected.json"), "w") as f:
        json.dump(exp, f)


def llama_cfg(**kw):
    c = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": 100, "hidden_size": 48,
         "intermediate_size": 96, "num_hidden_layers": 2, "num_attention_heads": 4, "rms_norm_eps": 1e-5,
         "rope_theta": 10000.0, "max_position_embeddings": 128, "hidden_act": "silu", "bos_token_id": 1,
         "eos_token_id": 2}
    c.update(kw)
    c["num_key_value_heads_eff"] = c.get("num_key_value_heads", c["num_attention_heads"])
    c["head_dim_eff"] = c.get("head_dim", c["hidden_size"] // c["num_attention_heads"])
    c["_tied"] = c.get("tie_word_embeddings", False)
    qwen2 = c["model_type"] == "qwen2"
    c["_qkv_bias"] = qwen2 or c.get("attention_bias", False)
    c["_o_bias"] = (not qwen2) and c.get("attention_bias", False)
    return c


c = llama_cfg(num_key_value_heads=1, head_dim=16, tie_word_embeddings=True, rope_theta=500000.0)
make("llama-mqa-tied", c, "tiny-llama", llama_weights(c), llama_forward)

c = llama_cfg(hidden_size=32, num_attention_heads=2, num_hidden_layers=3, attention_bias=True, mlp_bias=True,
              rope_theta=1e6)
make("llama-defaults", c, "tiny-llama", llama_weights(c), llama_forward)

c = llama_cfg(model_type="qwen2", architectures=["Qwen2ForCausalLM"], hidden_size=48, num_attention_heads=6,
              num_key_value_heads=2, tie_word_embeddings=True, rope_theta=1e6)
make("qwen2-tied", c, "tiny-llama", llama_weights(c), llama_forward)

c = llama_cfg(num_key_value_heads=2)
make("llama-sharded-bf16", c, "tiny-llama", llama_weights(c), llama_forward, dtype="BF16", shards=2)

g = {"architectures": ["GPT2LMHeadModel"], "model_type": "gpt2", "vocab_size": 100, "n_embd": 32, "n_head": 2,
     "n_layer": 3, "n_positions": 64, "n_inner": 80, "layer_norm_epsilon": 1e-5, "activation_function": "gelu_new",
     "bos_token_id": 99, "eos_token_id": 99}
make("gpt2-hub-names", g, "tiny-gpt2", gpt2_weights(g), gpt2_forward, dtype="F16")
print("variants written")
