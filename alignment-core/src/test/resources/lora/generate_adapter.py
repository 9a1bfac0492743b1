#!/usr/bin/python3
"""Writes PEFT-style LoRA adapters for models/tiny-llama and the log-probs they give, computed here in numpy float64.

An independent reference for align4j's LoRA: nothing here comes from align4j or torch. It reads the base weights from
model.safetensors itself, runs the Llama forward (RMSNorm, rotate-half RoPE, grouped-query attention, SwiGLU MLP,
untied lm_head, as transformers' modeling_llama.py), adds PEFT's branch y = W x + scale * B (A x) to the target
modules, and writes

  tiny-llama-adapter/        F32, r 4, lora_alpha 8 (scale 2), target_modules q_proj, v_proj, down_proj
  tiny-llama-adapter-bf16/   BF16, r 4, lora_alpha 8, use_rslora (scale 4), target_modules all-linear
  expected.json              next-token log-probs of a fixed input: base, and with each adapter

Regenerate (numpy only):  cd alignment-core/src/test/resources/lora && /usr/bin/python3 generate_adapter.py
"""
import json
import os
import struct

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
BASE = os.path.join(HERE, "..", "models", "tiny-llama")
INPUT = [1, 17, 42, 5, 88, 23, 64, 9, 31, 2, 77, 50]


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        assert info["dtype"] == "F32", (name, info["dtype"])
        b, e = info["data_offsets"]
        out[name] = np.frombuffer(data[b:e], dtype="<f4").reshape(info["shape"]).astype(np.float64)
    return out


def bf16_bits(x):
    """float32 → bfloat16 bits, round to nearest even (as torch's .to(torch.bfloat16))."""
    u = np.asarray(x, dtype=np.float32).view(np.uint32).astype(np.uint64)
    rounded = (u + 0x7FFF + ((u >> 16) & 1)) >> 16
    return rounded.astype(np.uint16)


def bf16_value(bits):
    return (bits.astype(np.uint32) << 16).view(np.float32)


def write_safetensors(path, tensors, dtype):
    header = {"__metadata__": {"format": "pt"}}
    blobs = []
    offset = 0
    for name, arr in tensors.items():
        if dtype == "F32":
            raw = np.asarray(arr, dtype="<f4").tobytes()
        else:
            raw = bf16_bits(arr).astype("<u2").tobytes()
        header[name] = {"dtype": dtype, "shape": list(arr.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    js = json.dumps(header, separators=(",", ":")).encode()
    js += b" " * ((8 - len(js) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(js)))
        f.write(js)
        for b in blobs:
            f.write(b)


def rms(x, w, eps):
    return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps) * w


def rope(x, theta):
    # x (H, T, d); rotate_half pairs dimension i with i + d/2
    h, t, d = x.shape
    inv = 1.0 / theta ** (np.arange(0, d, 2, dtype=np.float64) / d)
    ang = np.arange(t, dtype=np.float64)[:, None] * inv[None, :]
    emb = np.concatenate([ang, ang], axis=-1)
    cos, sin = np.cos(emb), np.sin(emb)
    rot = np.concatenate([-x[..., d // 2:], x[..., : d // 2]], axis=-1)
    return x * cos + rot * sin


def forward(cfg, w, ids, lora):
    """lora: module name -> (A (r, in), B (out, r), scale), or {}."""
    def linear(name, x):
        y = x @ w[name + ".weight"].T
        if name in lora:
            a, b, s = lora[name]
            y = y + s * ((x @ a.T) @ b.T)
        return y

    e, nh, nkv = cfg["hidden_size"], cfg["num_attention_heads"], cfg["num_key_value_heads"]
    d = cfg.get("head_dim", e // nh)
    eps, theta = cfg["rms_norm_eps"], cfg["rope_theta"]
    t = len(ids)
    x = w["model.embed_tokens.weight"][ids]                                        # (T, E)
    causal = np.triu(np.full((t, t), -np.inf), 1)
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}"
        a = rms(x, w[p + ".input_layernorm.weight"], eps)
        q = linear(p + ".self_attn.q_proj", a).reshape(t, nh, d).transpose(1, 0, 2)
        k = linear(p + ".self_attn.k_proj", a).reshape(t, nkv, d).transpose(1, 0, 2)
        v = linear(p + ".self_attn.v_proj", a).reshape(t, nkv, d).transpose(1, 0, 2)
        q, k = rope(q, theta), rope(k, theta)
        g = nh // nkv
        k, v = np.repeat(k, g, axis=0), np.repeat(v, g, axis=0)                   # query head j uses kv head j // g
        s = q @ k.transpose(0, 2, 1) / np.sqrt(d) + causal
        s = np.exp(s - s.max(-1, keepdims=True))
        s /= s.sum(-1, keepdims=True)
        o = (s @ v).transpose(1, 0, 2).reshape(t, nh * d)
        x = x + linear(p + ".self_attn.o_proj", o)
        b = rms(x, w[p + ".post_attention_layernorm.weight"], eps)
        gate = linear(p + ".mlp.gate_proj", b)
        x = x + linear(p + ".mlp.down_proj", gate / (1 + np.exp(-gate)) * linear(p + ".mlp.up_proj", b))
    x = rms(x, w["model.norm.weight"], eps)
    logits = x @ w["lm_head.weight"].T
    m = logits.max(-1, keepdims=True)
    logp = logits - m - np.log(np.exp(logits - m).sum(-1, keepdims=True))
    return [float(logp[i, ids[i + 1]]) for i in range(t - 1)]


def make_adapter(rng, cfg, w, targets, r):
    """Random A and B (B not zero, so the adapter changes the model), float32-representable."""
    out = {}
    for name in sorted({n[: -len(".weight")] for n in w if n.endswith("_proj.weight")}):
        if name.split(".")[-1] not in targets:
            continue
        o, i = w[name + ".weight"].shape
        a = rng.uniform(-1 / np.sqrt(i), 1 / np.sqrt(i), size=(r, i)).astype(np.float32)
        b = rng.normal(0, 0.2, size=(o, r)).astype(np.float32)
        out[name] = (a, b)
    return out


def adapter_config(targets, r, alpha, rslora):
    return {
        "peft_type": "LORA", "task_type": "CAUSAL_LM", "r": r, "lora_alpha": alpha, "lora_dropout": 0.05,
        "target_modules": targets, "bias": "none", "fan_in_fan_out": False, "modules_to_save": None,
        "use_rslora": rslora, "init_lora_weights": True, "base_model_name_or_path": "tiny-llama",
        "inference_mode": True, "revision": None, "use_dora": False, "layers_to_transform": None,
        "layers_pattern": None, "rank_pattern": {}, "alpha_pattern": {}, "exclude_modules": None,
    }


def main():
    cfg = json.load(open(os.path.join(BASE, "config.json")))
    w = read_safetensors(os.path.join(BASE, "model.safetensors"))

    # the forward must reproduce the shared golden values before it is trusted as a reference
    golden = json.load(open(os.path.join(BASE, "expected.json")))["cases"][0]
    got = forward(cfg, w, golden["input_ids"], {})
    err = max(abs(a - b) for a, b in zip(got, golden["next_token_logprobs"]))
    assert err < 1e-6, f"numpy forward disagrees with models/tiny-llama/expected.json by {err}"

    rng = np.random.default_rng(20240615)
    result = {"input_ids": INPUT, "base_next_token_logprobs": forward(cfg, w, INPUT, {}), "adapters": {}}
    variants = [
        ("tiny-llama-adapter", "F32", ["q_proj", "v_proj", "down_proj"], 4, 8, False),
        ("tiny-llama-adapter-bf16", "BF16", "all-linear", 4, 8, True),
    ]
    all_linear = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
    for folder, dtype, targets, r, alpha, rslora in variants:
        mods = make_adapter(rng, cfg, w, all_linear if targets == "all-linear" else targets, r)
        if dtype == "BF16":
            mods = {n: (bf16_value(bf16_bits(a)), bf16_value(bf16_bits(b))) for n, (a, b) in mods.items()}
        scale = alpha / np.sqrt(r) if rslora else alpha / r
        lora = {n: (a.astype(np.float64), b.astype(np.float64), scale) for n, (a, b) in mods.items()}
        tensors = {}
        for n, (a, b) in mods.items():
            tensors[f"base_model.model.{n}.lora_A.weight"] = a
            tensors[f"base_model.model.{n}.lora_B.weight"] = b
        os.makedirs(os.path.join(HERE, folder), exist_ok=True)
        write_safetensors(os.path.join(HERE, folder, "adapter_model.safetensors"), tensors, dtype)
        with open(os.path.join(HERE, folder, "adapter_config.json"), "w") as f:
            json.dump(adapter_config(targets, r, alpha, rslora), f, indent=2)
            f.write("\n")
        result["adapters"][folder] = {"dtype": dtype, "scale": scale, "next_token_logprobs": forward(cfg, w, INPUT, lora)}
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
    for k, v in result["adapters"].items():
        d = max(abs(a - b) for a, b in zip(v["next_token_logprobs"], result["base_next_token_logprobs"]))
        print(f"{k}: max |adapter - base| log-prob = {d:.4f}")


if __name__ == "__main__":
    main()
