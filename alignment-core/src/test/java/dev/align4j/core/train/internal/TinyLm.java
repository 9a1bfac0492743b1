package dev.align4j.core.train.internal;

import dev.align4j.core.train.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.align4j.api.data.TokenBatch;
import dev.align4j.api.objective.Scalars;
import dev.align4j.core.model.BuiltinModels;
import dev.align4j.core.model.HeadKind;
import dev.align4j.core.model.LanguageModel;
import dev.align4j.core.model.TokenScores;
import dev.align4j.core.model.TransformerModel;
import dev.align4j.core.model.WeightSource;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/** A small random GPT-2-style language model and token-mean NLL micro-batches for engine tests. */
final class TinyLm {
  static final int VOCAB = 24;

  private TinyLm() {}

  static LanguageModel create(long seed, int width, int layers) {
    TransformerModel m = TransformerModel.create(BuiltinModels.gpt2(VOCAB, 32, width, 2, layers, 1, 2),
        HeadKind.LANGUAGE_MODEL, WeightSource.random(seed));
    m.setTrainable(true);
    return new LanguageModel(m, 0, Set.of(2));
  }

  static int[][] data(long seed, int rows, int length) {
    Random r = new Random(seed);
    int[][] d = new int[rows][];
    for (int i = 0; i < rows; i++) {
      d[i] = new int[2 + r.nextInt(length - 1)];
      d[i][0] = 1;
      for (int j = 1; j < d[i].length; j++) {
        d[i][j] = 3 + r.nextInt(VOCAB - 3);
      }
    }
    return d;
  }

  /** Token-mean NLL of {@code rows}; its weight is its number of predicted tokens. */
  static MicroBatch nll(LanguageModel lm, int[][] rows) {
    int tokens = 0;
    for (int[] r : rows) {
      tokens += r.length - 1;
    }
    int weight = tokens;
    return new MicroBatch() {
      @Override public double weight() {
        return weight;
      }

      @Override public LossAndMetrics compute(NDManager m) {
        TokenScores s = lm.score(m, new TokenBatch(rows, TokenBatch.Padding.RIGHT), 1.0, false);
        NDArray loss = Scalars.div(s.logprobs().sum().neg(), weight);
        return new LossAndMetrics(loss, Map.of("tokens", (double) weight));
      }
    };
  }
}
