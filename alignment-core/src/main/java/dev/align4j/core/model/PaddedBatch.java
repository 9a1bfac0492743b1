package dev.align4j.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.align4j.api.data.TokenBatch;

/**
 * Sequences of different lengths padded to one width, with what the forward pass and the read-outs need.
 *
 * @param input ids, positions and attention mask in the given manager
 * @param lengths real tokens per row
 * @param offsets index of each row's first real token (0 for right padding)
 * @param width the padded width {@code T}
 */
public record PaddedBatch(ForwardInput input, int[] lengths, int[] offsets, int width) {
  /** Added to masked attention scores; finite so that a fully masked (padding) query row gives no NaN. */
  static final float MASKED = -1e9f;

  /**
   * Pads {@code batch} with {@code padId} and builds a causal mask that also hides padding keys.
   *
   * @param slidingWindow attention window in tokens, 0 for none
   */
  public static PaddedBatch of(NDManager manager, TokenBatch batch, int padId, int slidingWindow) {
    int b = batch.size();
    int t = batch.maxLength();
    long[] ids = new long[b * t];
    long[] pos = new long[b * t];
    int[] lengths = new int[b];
    int[] offsets = new int[b];
    boolean[][] valid = new boolean[b][t];
    for (int r = 0; r < b; r++) {
      int[] s = batch.sequences()[r];
      lengths[r] = s.length;
      offsets[r] = batch.padding() == TokenBatch.Padding.LEFT ? t - s.length : 0;
      for (int i = 0; i < t; i++) {
        int j = i - offsets[r];
        boolean real = j >= 0 && j < s.length;
        valid[r][i] = real;
        ids[r * t + i] = real ? s[j] : padId;
        pos[r * t + i] = real ? j : 0;
      }
    }
    NDArray mask = mask(manager, valid, 0, t, slidingWindow);
    ForwardInput in = new ForwardInput(manager.create(ids, new Shape(b, t)), manager.create(pos, new Shape(b, t)),
        mask);
    return new PaddedBatch(in, lengths, offsets, t);
  }

  /**
   * Prompts left-padded to a common length {@code P} followed by responses right-padded to {@code R}, so that every
   * row's response starts at column {@code P}: position {@code P − 1 + j} predicts response token {@code j} in all
   * rows (the layout of TRL's rollouts). Positions count from each row's first real token.
   *
   * @param minResponseWidth R is at least this (a selection of rows keeps its batch's width)
   * @param slidingWindow attention window in tokens, 0 for none (the model's {@link ModelConfig#slidingWindow})
   */
  public static PaddedBatch promptResponse(NDManager manager, int[][] prompts, int[][] responses, int padId,
      int minResponseWidth, int slidingWindow) {
    int b = prompts.length;
    int p = 0;
    int r = minResponseWidth;
    for (int i = 0; i < b; i++) {
      p = Math.max(p, prompts[i].length);
      r = Math.max(r, responses[i].length);
    }
    int t = p + r;
    long[] ids = new long[b * t];
    long[] pos = new long[b * t];
    int[] lengths = new int[b];
    int[] offsets = new int[b];
    boolean[][] valid = new boolean[b][t];
    for (int i = 0; i < b; i++) {
      int left = p - prompts[i].length;
      offsets[i] = left;
      lengths[i] = prompts[i].length + responses[i].length;
      java.util.Arrays.fill(ids, i * t, (i + 1) * t, padId);
      for (int j = 0; j < prompts[i].length; j++) {
        ids[i * t + left + j] = prompts[i][j];
        pos[i * t + left + j] = j;
        valid[i][left + j] = true;
      }
      for (int j = 0; j < responses[i].length; j++) {
        ids[i * t + p + j] = responses[i][j];
        pos[i * t + p + j] = prompts[i].length + j;
        valid[i][p + j] = true;
      }
    }
    ForwardInput in = new ForwardInput(manager.create(ids, new Shape(b, t)), manager.create(pos, new Shape(b, t)),
        mask(manager, valid, 0, t, slidingWindow));
    return new PaddedBatch(in, lengths, offsets, t);
  }

  /**
   * Packed rows: each row holds several sequences back to back ({@code segments[b][i]} numbers the sequence token
   * {@code i} belongs to, from 0). Positions restart at each sequence and attention never crosses one, so every
   * token gets the numbers it would get alone. Rows are right-padded.
   *
   * @param slidingWindow attention window in tokens, 0 for none (the model's {@link ModelConfig#slidingWindow})
   */
  public static PaddedBatch packed(NDManager manager, int[][] rows, int[][] segments, int padId, int slidingWindow) {
    int b = rows.length;
    int t = 0;
    for (int[] r : rows) {
      t = Math.max(t, r.length);
    }
    long[] ids = new long[b * t];
    long[] pos = new long[b * t];
    int[] lengths = new int[b];
    float[] m = new float[b * t * t];
    java.util.Arrays.fill(m, MASKED);
    for (int r = 0; r < b; r++) {
      lengths[r] = rows[r].length;
      int start = 0;
      for (int i = 0; i < t; i++) {
        boolean real = i < rows[r].length;
        ids[r * t + i] = real ? rows[r][i] : padId;
        if (real && i > 0 && segments[r][i] != segments[r][i - 1]) {
          start = i;
        }
        pos[r * t + i] = real ? i - start : 0;
        if (real) {
          int from = slidingWindow > 0 ? Math.max(start, i - slidingWindow + 1) : start;
          for (int k = from; k <= i; k++) {
            m[(r * t + i) * t + k] = 0f;
          }
        }
      }
    }
    ForwardInput in = new ForwardInput(manager.create(ids, new Shape(b, t)), manager.create(pos, new Shape(b, t)),
        manager.create(m, new Shape(b, 1, 1, t, t)));
    return new PaddedBatch(in, lengths, new int[b], t);
  }

  /**
   * The additive mask {@code (B, 1, 1, T, S)}: query {@code i} (absolute index {@code queryStart + i}) sees key
   * {@code s} iff {@code s ≤ queryStart + i}, the key is a real token, and it lies within the sliding window.
   *
   * @param keyValid {@code [B][S]} whether each key position holds a real token
   */
  static NDArray mask(NDManager manager, boolean[][] keyValid, int queryStart, int queries, int slidingWindow) {
    int b = keyValid.length;
    int s = keyValid[0].length;
    float[] m = new float[b * queries * s];
    for (int r = 0; r < b; r++) {
      for (int i = 0; i < queries; i++) {
        int q = queryStart + i;
        int base = (r * queries + i) * s;
        for (int k = 0; k < s; k++) {
          boolean visible = k <= q && keyValid[r][k] && (slidingWindow == 0 || q - k < slidingWindow);
          m[base + k] = visible ? 0f : MASKED;
        }
      }
    }
    return manager.create(m, new Shape(b, 1, 1, queries, s));
  }

  /** {@code (B, T)} float mask of real tokens. */
  public NDArray tokenMask(NDManager manager) {
    float[] m = new float[lengths.length * width];
    for (int r = 0; r < lengths.length; r++) {
      for (int i = 0; i < lengths[r]; i++) {
        m[r * width + offsets[r] + i] = 1f;
      }
    }
    return manager.create(m, new Shape(lengths.length, width));
  }
}
