package dev.align4j.core.lora;

import ai.djl.ndarray.NDManager;
import dev.align4j.api.data.TokenBatch;
import dev.align4j.core.model.HeadKind;
import dev.align4j.core.model.LanguageModel;
import dev.align4j.core.model.ModelFolder;
import dev.align4j.core.model.Parameter;
import dev.align4j.core.model.TransformerModel;
import java.nio.file.Path;
import java.util.Random;
import java.util.Set;

/** The tiny golden checkpoints and a fixed batch to score them on. */
final class LoraFixtures {
  static final int[][] ROWS = {{1, 17, 42, 5, 88, 23, 64, 9, 31, 2, 77, 50}, {3, 8, 13, 21, 34, 55, 89}};

  private LoraFixtures() {}

  static Path resource(String name) throws Exception {
    return Path.of(LoraFixtures.class.getResource("/" + name).toURI());
  }

  static TransformerModel load(String model, HeadKind head) throws Exception {
    return ModelFolder.load(resource("models/" + model), head);
  }

  /** Next-token log-probs of {@link #ROWS} (right padding), flattened. */
  static float[] logprobs(TransformerModel model, int[][] rows) {
    LanguageModel lm = new LanguageModel(model, 0, Set.of(2));
    try (NDManager m = model.manager().newSubManager()) {
      return lm.score(m, new TokenBatch(rows, TokenBatch.Padding.RIGHT), 1.0, false).logprobs().toFloatArray();
    }
  }

  static float[] logprobs(TransformerModel model) {
    return logprobs(model, ROWS);
  }

  /** Overwrites every B with N(0, std²) values (a trained adapter, B no longer zero). */
  static void randomiseB(LoraAdapter adapter, long seed, double std) {
    Random rnd = new Random(seed);
    for (String module : adapter.adaptedModules()) {
      Parameter b = adapter.branch(module)[1];
      float[] v = new float[Math.toIntExact(b.value().size())];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) (rnd.nextGaussian() * std);
      }
      b.value().set(v);
    }
  }

  static double maxAbsDiff(float[] a, float[] b) {
    double d = 0;
    for (int i = 0; i < a.length; i++) {
      d = Math.max(d, Math.abs((double) a[i] - b[i]));
    }
    return d;
  }
}
