package dev.align4j.core.model;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.OptionalInt;

/**
 * GPT-2: learned positions, pre-LayerNorm blocks, fused QKV in Conv1D layout, an MLP of width {@code nInner}.
 *
 * @param vocabSize {@code vocab_size}
 * @param hiddenSize {@code n_embd}
 * @param numHeads {@code n_head}
 * @param numLayers {@code n_layer}
 * @param maxPositions {@code n_positions}
 * @param innerSize {@code n_inner} (default 4·n_embd)
 * @param layerNormEps {@code layer_norm_epsilon}
 * @param activation {@code activation_function}
 * @param scaleAttentionWeights {@code scale_attn_weights}: divide scores by √d (default true)
 * @param tieWordEmbeddings {@code tie_word_embeddings} (default true: the LM head is {@code wte})
 * @param bosTokenId {@code bos_token_id}
 * @param eosTokenId {@code eos_token_id}
 * @param modelType {@code model_type}
 */
public record Gpt2Config(int vocabSize, int hiddenSize, int numHeads, int numLayers, int maxPositions, int innerSize,
    double layerNormEps, Activation activation, boolean scaleAttentionWeights, boolean tieWordEmbeddings,
    OptionalInt bosTokenId, OptionalInt eosTokenId, String modelType) implements ModelConfig {
  public Gpt2Config {
    checkArgument(vocabSize >= 1, "vocab_size must be >= 1, got %s", vocabSize);
    checkArgument(numHeads >= 1 && hiddenSize % numHeads == 0,
        "n_embd (%s) must be a positive multiple of n_head (%s)", hiddenSize, numHeads);
    checkArgument(numLayers >= 1, "n_layer must be >= 1, got %s", numLayers);
    checkArgument(maxPositions >= 1, "n_positions must be >= 1, got %s", maxPositions);
    checkArgument(innerSize >= 1, "n_inner must be >= 1, got %s", innerSize);
    checkArgument(layerNormEps > 0, "layer_norm_epsilon must be > 0, got %s", layerNormEps);
    checkNotNull(activation, "activation");
    checkNotNull(bosTokenId, "bosTokenId");
    checkNotNull(eosTokenId, "eosTokenId");
    checkNotNull(modelType, "modelType");
  }

  /** Width of one attention head. */
  public int headDim() {
    return hiddenSize / numHeads;
  }

  /** GPT-2's MLP activations ({@code activation_function}). */
  public enum Activation {
    /** {@code gelu_new}/{@code gelu_pytorch_tanh}: the tanh approximation, GPT-2's own. */
    GELU_TANH,
    /** {@code gelu}: the exact erf form. */
    GELU_ERF,
    /** {@code relu}. */
    RELU
  }
}
