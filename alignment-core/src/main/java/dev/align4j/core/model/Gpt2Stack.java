package dev.align4j.core.model;

import static dev.align4j.api.objective.Scalars.mul;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;

/**
 * The GPT-2 body (Radford et al. 2019), as {@code modeling_gpt2.py} computes it:
 * <pre>
 * X = wte[ids] + wpe[positions]                                    (B, T, E)
 * per layer:  X += c_proj(attention(split(c_attn(ln_1(X)))))       Conv1D weights (in, out), no transpose
 *             X += mlp.c_proj(gelu_new(mlp.c_fc(ln_2(X))))
 * X = ln_f(X)
 * </pre>
 */
final class Gpt2Stack implements DecoderStack {
  private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

  private final Gpt2Config config;
  private final Embedding wte;
  private final Embedding wpe;
  private final Block[] blocks;
  private final Norms.Layer lnF;

  Gpt2Stack(Gpt2Config c, ParameterSet ps) {
    this.config = c;
    this.wte = new Embedding(ps.add("transformer.wte.weight", Parameter.Layout.AS_STORED,
        new ParameterSet.Init.Normal(0.02), c.vocabSize(), c.hiddenSize()));
    this.wpe = new Embedding(ps.add("transformer.wpe.weight", Parameter.Layout.AS_STORED,
        new ParameterSet.Init.Normal(0.01), c.maxPositions(), c.hiddenSize()));
    this.blocks = new Block[c.numLayers()];
    for (int i = 0; i < blocks.length; i++) {
      blocks[i] = new Block(c, ps, "transformer.h." + i, 0.02 / Math.sqrt(2.0 * c.numLayers()));
    }
    this.lnF = new Norms.Layer(ps, "transformer.ln_f", c.hiddenSize(), c.layerNormEps());
  }

  @Override
  public NDArray forward(ForwardInput in, KvCache cache) {
    NDArray x = wte.forward(in.ids()).add(wpe.forward(in.positions()));     // (B, T, E)
    for (int i = 0; i < blocks.length; i++) {
      x = blocks[i].forward(x, in.mask(), cache, i);
    }
    if (cache != null) {
      cache.advance((int) in.ids().getShape().get(1));
    }
    return lnF.forward(x);
  }

  @Override
  public Parameter tokenEmbedding() {
    return wte.weight();
  }

  @Override
  public String prefix() {
    return "transformer.";
  }

  private NDArray activation(NDArray z) {
    return switch (config.activation()) {
      // gelu_new: 0.5·z·(1 + tanh(√(2/π)·(z + 0.044715·z³)))
      case GELU_TANH -> mul(mul(mul(z.mul(z).mul(z), 0.044715).add(z), SQRT_2_OVER_PI).tanh().add(1f).mul(z), 0.5);
      case GELU_ERF -> z.getNDArrayInternal().gelu();
      case RELU -> Activation.relu(z);
    };
  }

  private final class Block {
    final Norms.Layer ln1;
    final Linear cAttn;
    final Linear cProj;
    final Norms.Layer ln2;
    final Linear fc;
    final Linear proj;

    Block(Gpt2Config c, ParameterSet ps, String p, double residualStd) {
      int e = c.hiddenSize();
      ln1 = new Norms.Layer(ps, p + ".ln_1", e, c.layerNormEps());
      cAttn = Linear.conv1d(ps, p + ".attn.c_attn", e, 3 * e, 0.02);
      cProj = Linear.conv1d(ps, p + ".attn.c_proj", e, e, residualStd);
      ln2 = new Norms.Layer(ps, p + ".ln_2", e, c.layerNormEps());
      fc = Linear.conv1d(ps, p + ".mlp.c_fc", e, c.innerSize(), 0.02);
      proj = Linear.conv1d(ps, p + ".mlp.c_proj", c.innerSize(), e, residualStd);
    }

    NDArray forward(NDArray x, NDArray mask, KvCache cache, int layer) {
      NDList qkv = cAttn.forward(ln1.forward(x)).split(3, 2);                 // 3 × (B, T, E)
      NDArray q = Attention.splitHeads(qkv.get(0), config.numHeads(), config.headDim());
      NDArray k = Attention.splitHeads(qkv.get(1), config.numHeads(), config.headDim());
      NDArray v = Attention.splitHeads(qkv.get(2), config.numHeads(), config.headDim());
      if (cache != null) {
        NDArray[] kv = cache.append(layer, k, v);
        k = kv[0];
        v = kv[1];
      }
      double scale = config.scaleAttentionWeights() ? 1.0 / Math.sqrt(config.headDim()) : 1.0;
      NDArray h = x.add(cProj.forward(Attention.attend(q, k, v, mask, scale)));
      return h.add(proj.forward(activation(fc.forward(ln2.forward(h)))));
    }
  }
}
