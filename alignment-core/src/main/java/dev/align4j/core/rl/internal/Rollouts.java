package dev.align4j.core.rl.internal;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.align4j.api.data.Completion;
import dev.align4j.api.data.CompletionSample;
import dev.align4j.api.data.Message;
import dev.align4j.api.kernel.ScorePlacement;
import dev.align4j.core.math.TokenDistributions;
import dev.align4j.core.math.ValueMasks;
import dev.align4j.api.TrainablePolicy;
import dev.align4j.core.model.PaddedBatch;
import dev.align4j.core.model.TransformerModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A batch of sampled completions laid out for training: prompts left-padded to {@code P}, responses right-padded to
 * {@code R}, so that column {@code P − 1 + j} predicts response token {@code j} in every row.
 *
 * @param prompts prompt ids per row
 * @param responses generated ids per row (EOS included when generation stopped there)
 * @param samplingLogprobs {@code [B][R]} log-probs recorded at sampling time, 0 on padding
 * @param mask {@code [B][R]} 1 on response tokens
 * @param responseWidth R
 * @param texts decoded completions (special tokens removed)
 * @param samples what the rewards see
 * @param containsEos per row, 1 if the response ended with EOS
 */
public record Rollouts(int[][] prompts, int[][] responses, float[] samplingLogprobs, float[] mask, int responseWidth,
    List<String> texts, List<CompletionSample> samples, float[] containsEos) {

  /**
   * Lays out {@code completions}.
   *
   * @param promptTexts the prompts as the reward sees them
   * @param fields each prompt's extra fields (e.g. {@code answer})
   * @param decode turns generated ids into text
   */
  public static Rollouts of(List<Completion> completions, List<String> promptTexts, List<Map<String, String>> fields,
      java.util.function.Function<int[], String> decode) {
    return of(completions, promptTexts, java.util.Collections.nCopies(completions.size(), List.of()), fields, decode);
  }

  /**
   * Lays out {@code completions} of prompts that may be conversational.
   *
   * @param promptMessages each prompt's chat messages, empty for a plain prompt (reward models render them)
   */
  public static Rollouts of(List<Completion> completions, List<String> promptTexts,
      List<List<Message>> promptMessages, List<Map<String, String>> fields,
      java.util.function.Function<int[], String> decode) {
    int b = completions.size();
    checkArgument(promptTexts.size() == b && promptMessages.size() == b && fields.size() == b,
        "one prompt text, message list and field map per completion");
    int r = 1;
    for (Completion c : completions) {
      r = Math.max(r, c.length());
    }
    int[][] prompts = new int[b][];
    int[][] responses = new int[b][];
    float[] lp = new float[b * r];
    float[] mask = new float[b * r];
    float[] eos = new float[b];
    List<String> texts = new ArrayList<>();
    List<CompletionSample> samples = new ArrayList<>();
    for (int i = 0; i < b; i++) {
      Completion c = completions.get(i);
      prompts[i] = c.promptIds();
      responses[i] = c.tokenIds();
      for (int j = 0; j < c.length(); j++) {
        lp[i * r + j] = c.logprobs()[j];
        mask[i * r + j] = 1f;
      }
      eos[i] = c.endedWithEos() ? 1f : 0f;
      String text = decode.apply(c.tokenIds());
      texts.add(text);
      samples.add(new CompletionSample(promptTexts.get(i), text, fields.get(i), promptMessages.get(i)));
    }
    return new Rollouts(prompts, responses, lp, mask, r, texts, samples, eos);
  }

  /** Number of rows. */
  public int size() {
    return prompts.length;
  }

  /** The rows {@code idx}, as a new batch. */
  public Rollouts select(int[] idx) {
    int r = responseWidth;
    int[][] p = new int[idx.length][];
    int[][] resp = new int[idx.length][];
    float[] lp = rows(samplingLogprobs, idx, r);
    float[] m = rows(mask, idx, r);
    float[] eos = new float[idx.length];
    List<String> t = new ArrayList<>();
    List<CompletionSample> s = new ArrayList<>();
    for (int i = 0; i < idx.length; i++) {
      p[i] = prompts[idx[i]];
      resp[i] = responses[idx[i]];
      eos[i] = containsEos[idx[i]];
      t.add(texts.get(idx[i]));
      s.add(samples.get(idx[i]));
    }
    return new Rollouts(p, resp, lp, m, r, t, s, eos);
  }

  /** The padded batch of the rows, in the prompt-response layout, for {@code model}'s attention window. */
  public PaddedBatch layout(NDManager m, int padId, TransformerModel model) {
    return PaddedBatch.promptResponse(m, prompts, responses, padId, responseWidth, model.config().slidingWindow());
  }

  /** Width of the left-padded prompt block. */
  public int promptWidth() {
    int p = 0;
    for (int[] x : prompts) {
      p = Math.max(p, x.length);
    }
    return p;
  }

  /** The response mask {@code (B, R)}. */
  public NDArray maskArray(NDManager m) {
    return m.create(mask, new Shape(size(), responseWidth));
  }

  /** Response-token ids {@code (B, R)} int64 (padding 0; masked out). */
  public NDArray responseIds(NDManager m) {
    long[] ids = new long[size() * responseWidth];
    for (int i = 0; i < size(); i++) {
      for (int j = 0; j < responses[i].length; j++) {
        ids[i * responseWidth + j] = responses[i][j];
      }
    }
    return m.create(ids, new Shape(size(), responseWidth));
  }

  /**
   * Per-token log-probs (and entropies) of the responses under {@code policy} at {@code temperature}, {@code (B, R)},
   * 0 on padding; differentiable under an open gradient collector.
   *
   * @return {@code [logprobs, entropy]} (entropy null unless asked)
   */
  public NDArray[] logprobs(NDManager m, TrainablePolicy policy, double temperature, boolean withEntropy) {
    NDArray logits = policy.responseLogits(m, java.util.Arrays.asList(prompts), java.util.Arrays.asList(responses),
        responseWidth);                                                      // (B, R, V)
    NDArray mask = maskArray(m);
    NDArray lp = TokenDistributions.tokenLogprobs(logits, responseIds(m), temperature).mul(mask);
    NDArray h = withEntropy ? TokenDistributions.entropy(logits, temperature).mul(mask) : null;
    return new NDArray[] {lp, h};
  }

  /**
   * Value-head outputs at the positions that predict each response token, {@code (B, R)}, 0 off the value mask of
   * {@code placement}: the response tokens, and with TRL's placement also slot {@code L_b} (the hidden state of the
   * last response token, where TRL puts the score and trains {@code V[L]}); differentiable under an open collector.
   */
  public NDArray values(NDManager m, TransformerModel valueModel, int padId, ScorePlacement placement) {
    PaddedBatch pb = layout(m, padId, valueModel);
    int p = promptWidth();
    NDArray v = valueModel.scalars(valueModel.hidden(pb.input(), null));
    return v.get(":, " + (p - 1) + ":" + (p - 1 + responseWidth)).mul(ValueMasks.of(maskArray(m), placement));
  }

  /** The rows {@code idx} of a row-major {@code [B][width]} array, as a new array. */
  public static float[] rows(float[] data, int[] idx, int width) {
    float[] out = new float[idx.length * width];
    for (int i = 0; i < idx.length; i++) {
      System.arraycopy(data, idx[i] * width, out, i * width, width);
    }
    return out;
  }

  /** Mean response length in tokens. */
  public double meanLength() {
    double s = 0;
    for (int[] r : responses) {
      s += r.length;
    }
    return s / size();
  }

  /** Share of responses that ended with EOS. */
  public double eosFraction() {
    double s = 0;
    for (float e : containsEos) {
      s += e;
    }
    return s / size();
  }
}
