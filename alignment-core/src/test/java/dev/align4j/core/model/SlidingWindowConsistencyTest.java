package dev.align4j.core.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.align4j.api.SamplingParams;
import dev.align4j.api.data.Completion;
import dev.align4j.api.data.TokenizedSequence;
import dev.align4j.core.rl.internal.LogprobConsistency;
import dev.align4j.core.rl.internal.Rollouts;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * A Mistral-style sliding window applies in every forward pass: generation (KV cache), the RL layout, SFT's padded and
 * packed batches, and reward scores, so log-probs recorded while sampling sequences longer than the window equal the
 * training forward pass.
 */
class SlidingWindowConsistencyTest {
  private static final int WINDOW = 4;

  private static LlamaConfig config(int window) {
    return new LlamaConfig(16, 32, 64, 2, 4, 2, 8, 1e-5, 10000, new RopeScaling.None(), 64, false, false, false, false,
        false, window, OptionalInt.of(1), OptionalInt.of(2), "mistral");
  }

  /** A character tokenizer of 12 characters: with its 4 special tokens, the 16 ids of {@link #config}. */
  private static TokenizerFiles tokenizer(java.nio.file.Path dir) throws Exception {
    new dev.align4j.core.model.tokenizer.CharTokenizerBuilder().add("abcdefghijkl").write(dir);
    return TokenizerFiles.of(dir);
  }

  @Test
  void sampledLogprobsEqualTheTrainingForwardPassBeyondTheWindow(@org.junit.jupiter.api.io.TempDir
      java.nio.file.Path dir) throws Exception {
    try (dev.align4j.core.AlignModel lm = dev.align4j.core.AlignModel.of(TransformerModel.create(config(WINDOW),
        HeadKind.LANGUAGE_MODEL, WeightSource.random(5)), tokenizer(dir), "sliding-window test")) {
      List<int[]> prompts = List.of(new int[] {1, 3, 4, 5, 6}, new int[] {1, 7});
      List<Completion> cs = lm.generate(prompts, SamplingParams.sample(1.0, 12).with(SamplingParams.EosHandling.IGNORE),
          9);
      Rollouts ro = Rollouts.of(cs, List.of("a", "b"), Collections.nCopies(2, Map.of()), ids -> "");
      double worst = LogprobConsistency.check(ro, lm, 1.0, 1e-4);
      assertTrue(worst < 1e-4, "RL layout agrees with generation: " + worst);

      // The same sequences through the SFT-style right-padded scoring path agree as well.
      try (NDManager mm = dev.align4j.core.runtime.DjlSetup.newManager()) {
        TokenizedSequence s = TokenizedSequence.of(prompts.get(0), cs.get(0).tokenIds());
        float[] scored = lm.tokenLogProbs(mm, new dev.align4j.api.data.TokenBatch(new int[][] {s.ids()},
            dev.align4j.api.data.TokenBatch.Padding.RIGHT)).toFloatArray();
        for (int j = 0; j < cs.get(0).length(); j++) {
          float a = scored[prompts.get(0).length - 1 + j];
          assertTrue(Math.abs(a - cs.get(0).logprobs()[j]) < 1e-4, "token " + j + ": " + a + " vs "
              + cs.get(0).logprobs()[j]);
        }
      }
    }
    // And the window matters: without it the same weights give other numbers past the window.
    try (TransformerModel windowed = TransformerModel.create(config(WINDOW), HeadKind.LANGUAGE_MODEL,
        WeightSource.random(5));
        TransformerModel full = TransformerModel.create(config(0), HeadKind.LANGUAGE_MODEL, WeightSource.random(5));
        NDManager mm = windowed.manager().newSubManager()) {
      var batch = new dev.align4j.api.data.TokenBatch(new int[][] {{1, 3, 4, 5, 6, 7, 8, 9, 10, 11}},
          dev.align4j.api.data.TokenBatch.Padding.RIGHT);
      float[] a = new LanguageModel(windowed, 0, java.util.Set.of(2)).tokenLogProbs(mm, batch).toFloatArray();
      float[] b = new LanguageModel(full, 0, java.util.Set.of(2)).tokenLogProbs(mm, batch).toFloatArray();
      assertTrue(Math.abs(a[8] - b[8]) > 1e-4, "the window changes late positions: " + a[8] + " vs " + b[8]);
    }
  }
}
