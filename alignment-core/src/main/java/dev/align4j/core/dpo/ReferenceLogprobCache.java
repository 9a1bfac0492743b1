package dev.align4j.core.dpo;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import dev.align4j.api.data.TokenizedSequence;
import dev.align4j.core.model.CompletionLogprobs;
import dev.align4j.api.Policy;
import dev.align4j.core.runtime.DjlSetup;
import dev.align4j.core.model.safetensors.SafetensorsReader;
import dev.align4j.core.model.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The frozen reference's sequence log-probs of every pair, computed once before training and kept in the run folder
 * ({@code reference_logps.safetensors}), so neither later steps nor a resumed run pay for the reference again.
 *
 * <p>Each array is stored with a key: the SHA-256 of the reference's weights and of every tokenized sequence (ids and
 * loss targets) in order. A cached array is served only under the same key, so changed data of the same size, another
 * tokenizer, another max length or another reference model is recomputed, never served stale.
 */
final class ReferenceLogprobCache {
  private ReferenceLogprobCache() {}

  /** The metadata key under which the cache key of array {@code name} is stored. */
  static String metadataKey(String name) {
    return name + ".key";
  }

  /** The cache key of {@code seqs} scored by the reference whose weights hash is given. */
  static String key(String referenceHash, List<TokenizedSequence> seqs) {
    Hasher h = Hashing.sha256().newHasher().putString(referenceHash, StandardCharsets.UTF_8).putInt(seqs.size());
    for (TokenizedSequence s : seqs) {
      h.putInt(s.ids().length);
      for (int i = 0; i < s.ids().length; i++) {
        h.putInt(s.ids()[i]).putBoolean(s.target()[i]);
      }
    }
    return h.hash().toString();
  }

  /**
   * Reference log-probs of {@code seqs} under {@code name}, from {@code file} (null without a run folder) if it holds
   * them under the same key, else computed.
   */
  static Entry get(Path file, String name, Policy reference, String referenceHash,
      List<TokenizedSequence> seqs, int batch) throws IOException {
    String key = key(referenceHash, seqs);
    if (file != null && Files.isRegularFile(file)) {
      try (SafetensorsReader r = SafetensorsReader.open(file)) {
        if (r.tensors().containsKey(name) && key.equals(r.metadata().get(metadataKey(name)))) {
          return new Entry(r.readFloats(name), key);
        }
      }
    }
    float[] out = new float[seqs.size()];
    boolean gradMode = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try (NDManager m = DjlSetup.newManager()) {
      for (int i = 0; i < seqs.size(); i += batch) {
        try (NDManager mb = m.newSubManager()) {
          float[] part = CompletionLogprobs.sums(mb, reference, seqs.subList(i, Math.min(seqs.size(), i + batch)))
              .toFloatArray();
          System.arraycopy(part, 0, out, i, part.length);
        }
      }
    } finally {
      JniUtils.setGradMode(gradMode);
    }
    return new Entry(out, key);
  }

  /** Cached values with the key they are valid for. */
  record Entry(float[] values, String key) {}

  /** Writes the named arrays with their keys to {@code file} atomically. */
  static void save(Path file, Map<String, Entry> arrays) throws IOException {
    SafetensorsWriter w = new SafetensorsWriter();
    arrays.forEach((k, v) -> w.add(k, v.values(), v.values().length).metadata(metadataKey(k), v.key()));
    w.write(file);
  }
}
