package dev.align4j.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.align4j.api.data.TokenBatch;
import dev.align4j.core.model.tokenizer.CharTokenizerBuilder;
import dev.align4j.core.model.tokenizer.TextTokenizer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built-in configuration and character tokenizer go through the same files and loaders as imported models. */
class BuiltinModelTest {

  @Test
  void aCharacterTokenizerRoundTripsThroughTokenizerJson(@TempDir Path dir) throws Exception {
    CharTokenizerBuilder b = new CharTokenizerBuilder().add("reverse: abc\ncba").add("max: 3 9 4\n9 ü");
    b.write(dir);
    try (TextTokenizer t = TextTokenizer.load(dir)) {
      int[] ids = t.encode("max: 9\ncba", true);
      assertEquals(1, ids[0], "<bos> prepended");
      assertEquals(11, ids.length, "one token per character plus <bos>");
      assertEquals("max: 9\ncba", t.decode(ids, true));
      assertEquals(3, t.encode("z", false)[0], "unknown characters map to <unk>");
      assertEquals(java.util.Set.of(2), t.eosIds());
      assertEquals(0, t.padId());
      assertEquals("<bos>ab<eos>", t.decode(new int[] {1, t.encode("a", false)[0], t.encode("b", false)[0], 2}));
    }
  }

  @Test
  void theTinyConfigurationHasAboutPointTwoMillionParametersAndSavesAsGpt2(@TempDir Path dir) throws Exception {
    CharTokenizerBuilder b = new CharTokenizerBuilder().add("abcdefghijklmnopqrstuvwxyz0123456789 :+-!\n");
    b.write(dir);
    Gpt2Config c = BuiltinModels.tiny(b.vocabSize(), 64, 1, 2);
    try (TransformerModel m = TransformerModel.create(c, HeadKind.LANGUAGE_MODEL, WeightSource.random(1))) {
      assertTrue(m.parameterCount() > 190_000 && m.parameterCount() < 220_000, "parameters: " + m.parameterCount());
      ModelFolder.save(m, dir, TokenizerFiles.of(dir), Provenance.of("built-in", "random init", "none", null), null);
    }
    try (Pretrained p = Pretrained.load(dir)) {
      int[] ids = p.tokenizer().encode("abc", true);
      try (NDManager nd = p.lm().model().manager().newSubManager()) {
        float[] lp = p.lm().score(nd, new TokenBatch(new int[][] {ids}, TokenBatch.Padding.RIGHT), 1.0, false)
            .logprobs().toFloatArray();
        assertEquals(3, lp.length);
        for (float v : lp) {
          // a random model with 0.02-scale weights is close to uniform over the vocabulary
          assertEquals(-Math.log(b.vocabSize()), v, 0.5);
        }
      }
      assertArrayEquals(new int[] {1, ids[1], ids[2], ids[3]}, ids);
    }
  }
}
