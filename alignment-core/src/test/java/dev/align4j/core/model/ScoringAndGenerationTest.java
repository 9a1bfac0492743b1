package dev.align4j.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.align4j.api.SamplingParams;
import dev.align4j.api.data.Completion;
import dev.align4j.api.data.TokenBatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Padding never changes real tokens' numbers; sampled log-probs equal the training forward pass. */
class ScoringAndGenerationTest {
  private static Pretrained llama;

  @BeforeAll
  static void load() throws Exception {
    llama = Pretrained.load(Path.of(ScoringAndGenerationTest.class.getResource("/models/tiny-llama").toURI()));
  }

  @AfterAll
  static void close() {
    llama.close();
  }

  private static final int[][] ROWS = {{1, 40, 41, 42, 43, 44, 45}, {1, 50, 51}, {1, 60, 61, 62, 63}};

  @Test
  void leftAndRightPaddingGiveTheSameNumbersAsSingleRows() {
    try (NDManager m = llama.lm().model().manager().newSubManager()) {
      TokenScores right = llama.lm().score(m, new TokenBatch(ROWS, TokenBatch.Padding.RIGHT), 1.0, true);
      TokenScores left = llama.lm().score(m, new TokenBatch(ROWS, TokenBatch.Padding.LEFT), 1.0, true);
      float[] r = right.logprobs().toFloatArray();
      float[] l = left.logprobs().toFloatArray();
      float[] re = right.entropy().toFloatArray();
      float[] le = left.entropy().toFloatArray();
      int width = 7;
      for (int b = 0; b < ROWS.length; b++) {
        float[] single = llama.lm().score(m, new TokenBatch(new int[][] {ROWS[b]}, TokenBatch.Padding.RIGHT), 1.0,
            false).logprobs().toFloatArray();
        int offset = width - ROWS[b].length;
        for (int t = 0; t < ROWS[b].length - 1; t++) {
          assertEquals(single[t], r[b * (width - 1) + t], 1e-5, "right-padded row " + b + " token " + t);
          assertEquals(single[t], l[b * (width - 1) + offset + t], 1e-5, "left-padded row " + b + " token " + t);
          assertEquals(re[b * (width - 1) + t], le[b * (width - 1) + offset + t], 1e-5, "entropy " + b + "," + t);
        }
        for (int t = ROWS[b].length - 1; t < width - 1; t++) {
          assertEquals(0f, r[b * (width - 1) + t], 0f, "padding carries no log-prob");
        }
      }
    }
  }

  @Test
  void sampledLogprobsEqualTheTrainingForwardPass() {
    List<int[]> prompts = List.of(new int[] {1, 40, 41, 42}, new int[] {1, 50}, new int[] {1, 60, 61, 62, 63, 64});
    SamplingParams sampling = new SamplingParams(0.8, 30, 0.95, 10, SamplingParams.EosHandling.STOP);
    List<Completion> out = llama.lm().generate(prompts, sampling, 42);
    int[][] full = new int[prompts.size()][];
    for (int i = 0; i < prompts.size(); i++) {
      Completion c = out.get(i);
      assertTrue(c.length() > 0, "row " + i + " generated nothing");
      full[i] = new int[prompts.get(i).length + c.length()];
      System.arraycopy(prompts.get(i), 0, full[i], 0, prompts.get(i).length);
      System.arraycopy(c.tokenIds(), 0, full[i], prompts.get(i).length, c.length());
    }
    try (NDManager m = llama.lm().model().manager().newSubManager()) {
      float[] lp = llama.lm().score(m, new TokenBatch(full, TokenBatch.Padding.RIGHT), 0.8, false).logprobs()
          .toFloatArray();
      int width = 0;
      for (int[] f : full) {
        width = Math.max(width, f.length);
      }
      for (int i = 0; i < full.length; i++) {
        float[] rec = out.get(i).logprobs();
        for (int j = 0; j < rec.length; j++) {
          int t = prompts.get(i).length - 1 + j;    // position predicting the j-th generated token
          assertEquals(lp[i * (width - 1) + t], rec[j], 1e-4, "row " + i + " generated token " + j);
        }
      }
    }
  }

  @Test
  void generationIsSeededAndStopsAtEos() {
    List<int[]> prompts = List.of(new int[] {1, 40, 41}, new int[] {1, 50, 51, 52});
    SamplingParams s = SamplingParams.sample(1.0, 16);
    List<Completion> a = llama.lm().generate(prompts, s, 7);
    List<Completion> b = llama.lm().generate(prompts, s, 7);
    List<Completion> c = llama.lm().generate(prompts, s, 8);
    List<int[]> ta = new ArrayList<>();
    for (int i = 0; i < prompts.size(); i++) {
      assertArrayEquals(a.get(i).tokenIds(), b.get(i).tokenIds(), "same seed, same tokens");
      ta.add(a.get(i).tokenIds());
      int[] t = a.get(i).tokenIds();
      for (int j = 0; j < t.length - 1; j++) {
        assertFalse(llama.lm().eosIds().contains(t[j]), "EOS only at the end");
      }
      assertEquals(a.get(i).endedWithEos(), t.length > 0 && llama.lm().eosIds().contains(t[t.length - 1]));
    }
    boolean differs = false;
    for (int i = 0; i < prompts.size(); i++) {
      differs |= !java.util.Arrays.equals(ta.get(i), c.get(i).tokenIds());
    }
    assertTrue(differs, "another seed draws other tokens");
  }

  @Test
  void topKOneIsGreedy() {
    List<int[]> prompts = List.of(new int[] {1, 40, 41, 42});
    int[] greedy = llama.lm().generate(prompts, SamplingParams.greedy(8).with(SamplingParams.EosHandling.IGNORE), 0)
        .get(0).tokenIds();
    int[] topK1 = llama.lm().generate(prompts,
        new SamplingParams(1.3, 1, 1.0, 8, SamplingParams.EosHandling.IGNORE), 123).get(0).tokenIds();
    assertArrayEquals(greedy, topK1);
  }
}
