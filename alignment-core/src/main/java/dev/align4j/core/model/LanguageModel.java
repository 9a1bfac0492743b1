package dev.align4j.core.model;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.align4j.api.Policy;
import dev.align4j.api.SamplingParams;
import dev.align4j.api.data.Completion;
import dev.align4j.api.data.TokenBatch;
import dev.align4j.core.math.TokenDistributions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * A transformer with an LM head as a {@link Policy}: batched scoring with either padding side, and KV-cached
 * generation whose recorded log-probs equal what {@link #score} computes for the same tokens.
 */
public final class LanguageModel implements Policy, AutoCloseable {
  private final TransformerModel model;
  private final int padId;
  private final Set<Integer> eosIds;

  /**
   * @param model a model with a {@link HeadKind#LANGUAGE_MODEL} head
   * @param padId the id written into padding (masked, so any valid id works)
   * @param eosIds ids that end a completion
   */
  public LanguageModel(TransformerModel model, int padId, Set<Integer> eosIds) {
    checkNotNull(model, "model");
    checkArgument(model.headKind() == HeadKind.LANGUAGE_MODEL, "a LanguageModel needs an LM head, got %s",
        model.headKind());
    checkArgument(padId >= 0 && padId < model.config().vocabSize(), "padId %s outside the vocabulary of %s",
        padId, model.config().vocabSize());
    this.model = model;
    this.padId = padId;
    this.eosIds = Set.copyOf(eosIds);
  }

  /** The underlying transformer. */
  public TransformerModel model() {
    return model;
  }

  /** End-of-sequence ids. */
  public Set<Integer> eosIds() {
    return eosIds;
  }

  /** The padding id. */
  public int padId() {
    return padId;
  }

  @Override
  public NDArray tokenLogProbs(NDManager manager, TokenBatch batch) {
    return score(manager, batch, 1.0, false).logprobs();
  }

  /**
   * Next-token log-probs (and optionally entropies) of a padded batch at a sampling temperature, differentiable
   * under an open gradient collector.
   */
  public TokenScores score(NDManager manager, TokenBatch batch, double temperature, boolean withEntropy) {
    checkArgument(temperature > 0, "temperature must be > 0 for scoring, got %s", temperature);
    checkArgument(batch.maxLength() >= 2, "scoring needs sequences of at least 2 tokens, got %s", batch.maxLength());
    checkArgument(batch.maxLength() <= model.config().maxPositions(),
        "sequences of %s tokens exceed the model's %s positions", batch.maxLength(), model.config().maxPositions());
    PaddedBatch pb = PaddedBatch.of(manager, batch, padId, slidingWindow());
    NDArray logits = model.logits(pb.input()).get(":, :-1, :");             // (B, T−1, V)
    NDArray next = pb.input().ids().get(":, 1:");                           // (B, T−1)
    NDArray real = pb.tokenMask(manager);                                    // (B, T)
    NDArray mask = real.get(":, :-1").mul(real.get(":, 1:"));               // (B, T−1)
    NDArray lp = TokenDistributions.tokenLogprobs(logits, next, temperature).mul(mask);
    NDArray entropy = withEntropy
        ? TokenDistributions.entropy(logits, temperature).mul(mask) : null;
    return new TokenScores(lp, entropy, mask, pb);
  }

  @Override
  public List<Completion> generate(List<int[]> prompts, SamplingParams sampling, long seed) {
    // one random stream for the whole batch, drawn row by row: a row's tokens depend on its batchmates
    Sampler shared = new Sampler(sampling, seed);
    return generate(prompts, sampling, r -> shared, TokenWatcher.NONE);
  }

  /**
   * Generation where each row samples from its own random stream, seeded with {@code seeds[r]}, so that a row's
   * tokens depend only on its prompt, the sampling settings and its seed, never on what else is in the batch; and
   * where {@code watcher} sees every picked token with the raw logits it was picked from and may end its row.
   *
   * @param seeds one seed per prompt
   * @param watcher called once per generated token, row by row, on the calling thread
   */
  public List<Completion> generate(List<int[]> prompts, SamplingParams sampling, long[] seeds,
      TokenWatcher watcher) {
    checkArgument(seeds.length == prompts.size(), "one seed per prompt: %s prompts, %s seeds", prompts.size(),
        seeds.length);
    checkNotNull(watcher, "watcher");
    Sampler[] samplers = new Sampler[seeds.length];
    for (int r = 0; r < seeds.length; r++) {
      samplers[r] = new Sampler(sampling, seeds[r]);
    }
    return generate(prompts, sampling, r -> samplers[r], watcher);
  }

  private List<Completion> generate(List<int[]> prompts, SamplingParams sampling, IntFunction<Sampler> samplers,
      TokenWatcher watcher) {
    checkArgument(!prompts.isEmpty(), "generate needs at least one prompt");
    for (int i = 0; i < prompts.size(); i++) {
      checkArgument(prompts.get(i).length > 0, "prompt %s is empty", i);
      checkArgument(prompts.get(i).length + sampling.maxNewTokens() <= model.config().maxPositions(),
          "prompt %s (%s tokens) plus maxNewTokens %s exceeds the model's %s positions", i, prompts.get(i).length,
          sampling.maxNewTokens(), model.config().maxPositions());
    }
    boolean gradMode = JniUtils.isGradMode();
    JniUtils.setGradMode(false); // generation records no graph, whichever thread runs it
    try (NDManager gen = model.manager().newSubManager();
        KvCache cache = new KvCache(gen, model.config().numLayers())) {
      return decode(gen, cache, prompts, sampling, samplers, watcher);
    } finally {
      JniUtils.setGradMode(gradMode);
    }
  }

  private List<Completion> decode(NDManager gen, KvCache cache, List<int[]> prompts, SamplingParams sampling,
      IntFunction<Sampler> samplers, TokenWatcher watcher) {
    int b = prompts.size();
    int vocab = model.config().vocabSize();
    int maxNew = sampling.maxNewTokens();
    int[][] tokens = new int[b][maxNew];
    float[][] logprobs = new float[b][maxNew];
    int[] produced = new int[b];
    boolean[] done = new boolean[b];
    double[] lp = new double[1];

    float[] last;                       // (B, V) logits at each row's last position
    int width;
    boolean[][] keyValid;
    int[] nextPosition = new int[b];
    try (NDManager step = gen.newSubManager()) {
      PaddedBatch pb = PaddedBatch.of(step, new TokenBatch(prompts.toArray(new int[0][]),
          TokenBatch.Padding.LEFT), padId, slidingWindow());
      width = pb.width();
      NDArray logits = model.logits(model.hidden(pb.input(), cache));       // (B, T, V)
      last = logits.get(":, -1, :").toFloatArray();
      keyValid = new boolean[b][width + maxNew];
      for (int r = 0; r < b; r++) {
        for (int i = pb.offsets()[r]; i < width; i++) {
          keyValid[r][i] = true;
        }
        nextPosition[r] = pb.lengths()[r];
      }
    }
    for (int s = 0; s < maxNew; s++) {
      long[] ids = new long[b];
      long[] pos = new long[b];
      boolean any = false;
      for (int r = 0; r < b; r++) {
        if (done[r]) {
          ids[r] = padId;
          pos[r] = nextPosition[r];
          continue;
        }
        int tok = samplers.apply(r).next(last, r * vocab, vocab, lp);
        tokens[r][produced[r]] = tok;
        logprobs[r][produced[r]] = (float) lp[0];
        produced[r]++;
        if (sampling.eos() == SamplingParams.EosHandling.STOP && eosIds.contains(tok)) {
          done[r] = true;
        }
        if (watcher.picked(r, last, r * vocab, vocab, tok)) {
          done[r] = true;
        }
        if (produced[r] == maxNew) {
          done[r] = true;
        }
        any |= !done[r];
        ids[r] = tok;
        pos[r] = nextPosition[r];
      }
      if (!any) {
        break;
      }
      int keyIndex = width + s;
      for (int r = 0; r < b; r++) {
        keyValid[r][keyIndex] = !done[r] || produced[r] > 0;
        nextPosition[r]++;
      }
      try (NDManager step = gen.newSubManager()) {
        boolean[][] keys = new boolean[b][];
        for (int r = 0; r < b; r++) {
          keys[r] = Arrays.copyOf(keyValid[r], keyIndex + 1);
        }
        ForwardInput in = new ForwardInput(step.create(ids, new Shape(b, 1)), step.create(pos, new Shape(b, 1)),
            PaddedBatch.mask(step, keys, keyIndex, 1, slidingWindow()));
        last = model.logits(model.hidden(in, cache)).get(":, -1, :").toFloatArray();
      }
    }
    List<Completion> out = new ArrayList<>(b);
    for (int r = 0; r < b; r++) {
      int[] t = Arrays.copyOf(tokens[r], produced[r]);
      boolean eos = t.length > 0 && eosIds.contains(t[t.length - 1]);
      out.add(new Completion(prompts.get(r).clone(), t, Arrays.copyOf(logprobs[r], produced[r]), eos));
    }
    return out;
  }

  private int slidingWindow() {
    return model.config().slidingWindow();
  }

  @Override
  public void close() {
    model.close();
  }
}
