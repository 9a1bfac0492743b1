package dev.align4j.core.model;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.OptionalInt;

/**
 * The Llama family: RMSNorm, rotate-half RoPE, grouped-query attention, SwiGLU (Llama, Qwen2, Qwen3, SmolLM,
 * Mistral-style checkpoints).
 *
 * @param vocabSize {@code vocab_size}
 * @param hiddenSize {@code hidden_size}
 * @param intermediateSize {@code intermediate_size}
 * @param numLayers {@code num_hidden_layers}
 * @param numHeads {@code num_attention_heads}
 * @param numKvHeads {@code num_key_value_heads} (default: numHeads); 1 is multi-query attention
 * @param headDim {@code head_dim} (default: hiddenSize / numHeads)
 * @param rmsNormEps {@code rms_norm_eps}, inside the square root
 * @param ropeTheta {@code rope_theta}
 * @param ropeScaling {@code rope_scaling}
 * @param maxPositions {@code max_position_embeddings}
 * @param tieWordEmbeddings {@code tie_word_embeddings} (default false for this family)
 * @param qkvBias biases on the q/k/v projections ({@code attention_bias}; always on for Qwen2)
 * @param outputBias bias on o_proj ({@code attention_bias} for Llama, never for Qwen2)
 * @param mlpBias {@code mlp_bias}
 * @param qkNorm per-head RMSNorm of queries and keys before RoPE (Qwen3)
 * @param slidingWindow attention window in tokens (Mistral); 0 for none
 * @param bosTokenId {@code bos_token_id}
 * @param eosTokenId {@code eos_token_id}
 * @param modelType {@code model_type}
 */
public record LlamaConfig(int vocabSize, int hiddenSize, int intermediateSize, int numLayers, int numHeads,
    int numKvHeads, int headDim, double rmsNormEps, double ropeTheta, RopeScaling ropeScaling, int maxPositions,
    boolean tieWordEmbeddings, boolean qkvBias, boolean outputBias, boolean mlpBias, boolean qkNorm,
    int slidingWindow, OptionalInt bosTokenId, OptionalInt eosTokenId, String modelType) implements ModelConfig {
  public LlamaConfig {
    checkArgument(vocabSize >= 1, "vocab_size must be >= 1, got %s", vocabSize);
    checkArgument(hiddenSize >= 1 && intermediateSize >= 1, "hidden_size and intermediate_size must be >= 1, got %s"
        + " and %s", hiddenSize, intermediateSize);
    checkArgument(numLayers >= 1, "num_hidden_layers must be >= 1, got %s", numLayers);
    checkArgument(numHeads >= 1 && numKvHeads >= 1 && numHeads % numKvHeads == 0,
        "num_attention_heads (%s) must be a positive multiple of num_key_value_heads (%s)", numHeads, numKvHeads);
    checkArgument(headDim >= 2 && headDim % 2 == 0, "head_dim must be even and >= 2 for RoPE, got %s", headDim);
    checkArgument(rmsNormEps > 0, "rms_norm_eps must be > 0, got %s", rmsNormEps);
    checkArgument(ropeTheta > 0, "rope_theta must be > 0, got %s", ropeTheta);
    checkNotNull(ropeScaling, "ropeScaling");
    checkArgument(maxPositions >= 1, "max_position_embeddings must be >= 1, got %s", maxPositions);
    checkArgument(slidingWindow >= 0, "sliding_window must be >= 0, got %s", slidingWindow);
    checkNotNull(bosTokenId, "bosTokenId");
    checkNotNull(eosTokenId, "eosTokenId");
    checkNotNull(modelType, "modelType");
  }

  /** Query heads per key/value head. */
  public int groupSize() {
    return numHeads / numKvHeads;
  }
}
