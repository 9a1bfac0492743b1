package dev.align4j.api;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.align4j.api.data.PolicyTokenizer;
import dev.align4j.api.data.TokenBatch;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A policy align4j's trainers can train: SFT, DPO, PPO and GRPO run on any implementation of this contract, not only
 * on align4j's own transformers ({@code AlignModel}).
 *
 * <p>What an implementation must provide:
 *
 * <ul>
 *   <li><b>tokens</b>: {@link #tokenizer()} turns demonstrations, preference pairs and prompts into ids with loss
 *       targets, and decodes generations;
 *   <li><b>scoring with autograd</b>: {@link #logits} of right-padded rows and {@link #responseLogits} of prompts
 *       followed by responses, both differentiable with respect to {@link #parameters()} under an open DJL gradient
 *       collector ({@link Policy#tokenLogProbs} must agree with them);
 *   <li><b>generation with recorded log-probs</b>: {@link Policy#generate}, whose recorded log-probs equal what the
 *       scoring methods compute for the same tokens at the sampling temperature (the RL trainers check this on every
 *       rollout batch and stop with the row named when they differ);
 *   <li><b>its parameters</b>: {@link #parameters()}, the live tensors an optimizer updates in place, and
 *       {@link #copy()}, an independent copy of the same class. Trainers train a copy and leave the policy they were
 *       given untouched, so it can serve as the frozen reference.
 * </ul>
 *
 * <p>Checkpoints call {@link #writeWeights} and {@link #readWeights}; the defaults store {@link #parameters()} by name
 * in one file, {@code policy_weights.bin} (float32 values in DJL's NDArray encoding).
 */
public interface TrainablePolicy extends Policy, AutoCloseable {

  /**
   * The policy's tokenizer and chat template.
   *
   * @return the tokenizer that turns data records into this policy's ids and decodes its generations
   */
  PolicyTokenizer tokenizer();

  /**
   * Next-token logits of a batch.
   *
   * @param manager owns the result (a per-step manager)
   * @param batch right-padded rows
   * @return {@code (B, T, V)}: entry {@code [b][t]} predicts token {@code t+1} of row {@code b}; differentiable
   */
  NDArray logits(NDManager manager, TokenBatch batch);

  /**
   * Logits of responses after their prompts.
   *
   * @param manager owns the result
   * @param prompts the prompt ids of each row
   * @param responses the response ids of each row (possibly empty rows are not allowed: at least one token)
   * @param responseWidth {@code R}, at least the longest response
   * @return {@code (B, R, V)}: entry {@code [b][j]} predicts response token {@code j} of row {@code b} (anything past
   *     the row's response); differentiable
   */
  NDArray responseLogits(NDManager manager, List<int[]> prompts, List<int[]> responses, int responseWidth);

  /**
   * Logits of packed rows (several sequences per row, attention and positions restarting at each), for SFT's
   * packing; optional.
   *
   * @param manager owns the result (a per-step manager)
   * @param rows the token ids of each row, several sequences concatenated; rows may differ in length and are
   *     right-padded
   * @param segments {@code segments[b][i]} numbers the sequence token {@code i} of row {@code b} belongs to
   * @return {@code (B, T, V)} with {@code T} the longest row: entry {@code [b][t]} predicts token {@code t+1} of row
   *     {@code b} from the earlier tokens of its own segment only; differentiable
   * @throws UnsupportedOperationException when the policy cannot attend within segments
   */
  default NDArray packedLogits(NDManager manager, int[][] rows, int[][] segments) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " does not support packed rows; train with"
        + " packing off");
  }

  /**
   * The longest sequence (prompt plus completion) the policy takes.
   *
   * @return the number of positions, e.g. 1024 for GPT-2; it bounds a scored row and a prompt plus
   *     {@code maxNewTokens} in generation
   */
  int maxPositions();

  /**
   * The trainable tensors by a stable name, in a stable order; an optimizer updates them in place.
   *
   * @return the live parameter arrays (not copies) by name, in the same order on every call
   */
  Map<String, NDArray> parameters();

  /**
   * Makes the parameters record gradients under a collector ({@code true}) or freezes them.
   *
   * @param trainable {@code true} to attach gradients to {@link #parameters()}; {@code false} for a frozen
   *     reference or scoring policy, which then costs no gradient memory
   */
  void setTrainable(boolean trainable);

  /**
   * An independent copy of the same class: training it leaves this policy as it is.
   *
   * @return a policy with duplicated parameters, to be closed by the caller
   */
  TrainablePolicy copy();

  /**
   * Writes the weights into the existing folder {@code dir} (a checkpoint); the default writes
   * {@code policy_weights.bin} through a temporary file and an atomic rename, so an earlier file survives a failure.
   *
   * @param dir the checkpoint folder; it must exist
   * @throws IOException when the file cannot be written or renamed
   */
  default void writeWeights(Path dir) throws IOException {
    Weights.write(dir, parameters());
  }

  /**
   * Restores the weights written by {@link #writeWeights} from {@code dir}, in place into {@link #parameters()}.
   *
   * @param dir the checkpoint folder written by {@link #writeWeights}
   * @throws IOException when the file cannot be read, is not a weights file, or its parameter names, count or
   *     shapes differ from this policy's
   */
  default void readWeights(Path dir) throws IOException {
    Weights.read(dir, parameters());
  }

  /** Frees the policy's native memory. */
  @Override
  void close();
}
