package dev.align4j.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;

/**
 * The Llama-family body (Touvron et al. 2023), as {@code modeling_llama.py} computes it:
 * <pre>
 * X = embed_tokens[ids]                                            (B, T, E)
 * per layer:  X += o_proj(attention(rope(q_proj(rms(X))), rope(k_proj(rms(X))), v_proj(rms(X))))
 *             X += down_proj(silu(gate_proj(rms(X))) · up_proj(rms(X)))
 * X = rms(X)
 * </pre>
 */
final class LlamaStack implements DecoderStack {
  private final LlamaConfig config;
  private final Embedding embed;
  private final Block[] blocks;
  private final Norms.Rms norm;
  private final Rope rope;

  LlamaStack(LlamaConfig c, ParameterSet ps, NDManager constants) {
    this.config = c;
    double std = 0.02;
    this.embed = new Embedding(ps.add("model.embed_tokens.weight", Parameter.Layout.AS_STORED,
        new ParameterSet.Init.Normal(std), c.vocabSize(), c.hiddenSize()));
    this.blocks = new Block[c.numLayers()];
    for (int i = 0; i < blocks.length; i++) {
      blocks[i] = new Block(c, ps, "model.layers." + i, std / Math.sqrt(2.0 * c.numLayers()));
    }
    this.norm = new Norms.Rms(ps, "model.norm", c.hiddenSize(), c.rmsNormEps());
    this.rope = new Rope(constants, c.headDim(), c.ropeTheta(), c.ropeScaling(), c.maxPositions());
  }

  @Override
  public NDArray forward(ForwardInput in, KvCache cache) {
    NDArray x = embed.forward(in.ids());                                      // (B, T, E)
    NDArray[] tables = rope.tables(in.positions());                           // (B, 1, T, d) each
    for (int i = 0; i < blocks.length; i++) {
      x = blocks[i].forward(x, in.mask(), tables, cache, i);
    }
    if (cache != null) {
      cache.advance((int) in.ids().getShape().get(1));
    }
    return norm.forward(x);
  }

  @Override
  public Parameter tokenEmbedding() {
    return embed.weight();
  }

  @Override
  public String prefix() {
    return "model.";
  }

  private final class Block {
    final Norms.Rms inputNorm;
    final Linear q;
    final Linear k;
    final Linear v;
    final Linear o;
    final Norms.Rms qNorm;
    final Norms.Rms kNorm;
    final Norms.Rms postNorm;
    final Linear gate;
    final Linear up;
    final Linear down;

    Block(LlamaConfig c, ParameterSet ps, String p, double residualStd) {
      int e = c.hiddenSize();
      int d = c.headDim();
      inputNorm = new Norms.Rms(ps, p + ".input_layernorm", e, c.rmsNormEps());
      q = Linear.torch(ps, p + ".self_attn.q_proj", e, c.numHeads() * d, c.qkvBias(), 0.02);
      k = Linear.torch(ps, p + ".self_attn.k_proj", e, c.numKvHeads() * d, c.qkvBias(), 0.02);
      v = Linear.torch(ps, p + ".self_attn.v_proj", e, c.numKvHeads() * d, c.qkvBias(), 0.02);
      o = Linear.torch(ps, p + ".self_attn.o_proj", c.numHeads() * d, e, c.outputBias(), residualStd);
      qNorm = c.qkNorm() ? new Norms.Rms(ps, p + ".self_attn.q_norm", d, c.rmsNormEps()) : null;
      kNorm = c.qkNorm() ? new Norms.Rms(ps, p + ".self_attn.k_norm", d, c.rmsNormEps()) : null;
      postNorm = new Norms.Rms(ps, p + ".post_attention_layernorm", e, c.rmsNormEps());
      gate = Linear.torch(ps, p + ".mlp.gate_proj", e, c.intermediateSize(), c.mlpBias(), 0.02);
      up = Linear.torch(ps, p + ".mlp.up_proj", e, c.intermediateSize(), c.mlpBias(), 0.02);
      down = Linear.torch(ps, p + ".mlp.down_proj", c.intermediateSize(), e, c.mlpBias(), residualStd);
    }

    NDArray forward(NDArray x, NDArray mask, NDArray[] tables, KvCache cache, int layer) {
      NDArray a = inputNorm.forward(x);
      NDArray qh = Attention.splitHeads(q.forward(a), config.numHeads(), config.headDim());     // (B, H, T, d)
      NDArray kh = Attention.splitHeads(k.forward(a), config.numKvHeads(), config.headDim());   // (B, Hkv, T, d)
      NDArray vh = Attention.splitHeads(v.forward(a), config.numKvHeads(), config.headDim());
      if (qNorm != null) {
        qh = qNorm.forward(qh);
        kh = kNorm.forward(kh);
      }
      qh = rope.apply(qh, tables);
      kh = rope.apply(kh, tables);
      if (cache != null) {
        NDArray[] kv = cache.append(layer, kh, vh);
        kh = kv[0];
        vh = kv[1];
      }
      NDArray attn = Attention.attend(qh, kh, vh, mask, 1.0 / Math.sqrt(config.headDim()));
      NDArray h = x.add(o.forward(attn));
      NDArray b = postNorm.forward(h);
      NDArray g = gate.forward(b);
      return h.add(down.forward(Activation.sigmoid(g).mul(g).mul(up.forward(b))));
    }
  }
}
