package dev.align4j.core.dpo;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import dev.align4j.api.data.TokenizedSequence;
import dev.align4j.core.model.CompletionLogprobs;
import dev.align4j.core.model.LanguageModel;
import dev.align4j.core.model.safetensors.SafetensorsReader;
import dev.align4j.core.model.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The frozen reference's sequence log-probs of every pair, computed once before training and kept in the run folder
 * ({@code reference_logps.safetensors}), so neither later steps nor a resumed run pay for the reference again.
 */
final class ReferenceLogprobCache {
  private ReferenceLogprobCache() {}

  /** Reference log-probs of {@code seqs} under {@code name}, from {@code file} if it holds them, else computed. */
  static float[] get(Path file, String name, LanguageModel reference, List<TokenizedSequence> seqs, int batch)
      throws IOException {
    if (Files.isRegularFile(file)) {
      try (SafetensorsReader r = SafetensorsReader.open(file)) {
        if (r.tensors().containsKey(name) && r.tensors().get(name).elements() == seqs.size()) {
          return r.readFloats(name);
        }
      }
    }
    float[] out = new float[seqs.size()];
    boolean gradMode = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try (NDManager m = reference.model().manager().newSubManager()) {
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
    return out;
  }

  /** Writes the named arrays to {@code file} atomically. */
  static void save(Path file, java.util.Map<String, float[]> arrays) throws IOException {
    SafetensorsWriter w = new SafetensorsWriter();
    arrays.forEach((k, v) -> w.add(k, v, v.length));
    w.write(file);
  }
}
