package dev.align4j.core.dpo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.align4j.api.data.TokenizedSequence;
import dev.align4j.core.AlignModel;
import dev.align4j.core.train.internal.Policies;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache of reference log-probs serves an array only for the same reference weights and the same tokenized
 * sequences: changed data of the same size, or another reference, is recomputed.
 */
class ReferenceLogprobCacheTest {
  private static Path tinyLlama() throws Exception {
    return Path.of(ReferenceLogprobCacheTest.class.getResource("/models/tiny-llama").toURI());
  }

  private static List<TokenizedSequence> seqs(int offset) {
    return List.of(TokenizedSequence.of(new int[] {1, 5 + offset, 6}, new int[] {7, 2}),
        TokenizedSequence.of(new int[] {1, 9}, new int[] {10 + offset, 11, 2}));
  }

  @Test
  void servesOnlyWhatMatchesTheKey(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("reference_logps.safetensors");
    try (AlignModel ref = AlignModel.load(tinyLlama())) {
      String hash = Policies.weightsHash(ref);
      assertEquals(hash, Policies.weightsHash(ref), "the weights hash is stable");
      ReferenceLogprobCache.Entry computed = ReferenceLogprobCache.get(file, "train.chosen", ref, hash, seqs(0),
          8);
      // Store marker values under the right key: a hit returns them, a miss recomputes.
      float[] marker = {-123f, -456f};
      ReferenceLogprobCache.save(file, Map.of("train.chosen", new ReferenceLogprobCache.Entry(marker,
          computed.key())));
      assertArrayEquals(marker, ReferenceLogprobCache.get(file, "train.chosen", ref, hash, seqs(0), 8).values(),
          "same reference, same sequences: served from the cache");
      float[] changed = ReferenceLogprobCache.get(file, "train.chosen", ref, hash, seqs(1), 8).values();
      assertNotEquals(marker[0], changed[0], "same size, other tokens: recomputed");
      float[] otherReference = ReferenceLogprobCache.get(file, "train.chosen", ref, "another model", seqs(0), 8)
          .values();
      assertArrayEquals(computed.values(), otherReference, 0f, "another reference: recomputed, not the marker");
    }
  }
}
