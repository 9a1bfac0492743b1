package dev.align4j.core.model;

import dev.align4j.api.SamplingParams;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks the next token from one row of logits on the host: temperature, then top-k, then top-p (nucleus), as
 * transformers' logits processors apply them; greedy takes the first maximum, as {@code argmax} does.
 *
 * <p>The recorded log-prob is that of the tempered distribution before top-k/top-p filtering, which is what the
 * training forward pass computes for the same token.
 */
final class Sampler {
  private final SamplingParams params;
  private final SplittableRandom random;

  Sampler(SamplingParams params, long seed) {
    this.params = params;
    this.random = new SplittableRandom(seed);
  }

  /** The chosen token and its log-prob, packed as {@code token} and written to {@code logprobOut[0]}. */
  int next(float[] logits, int offset, int vocab, double[] logprobOut) {
    double temperature = params.isGreedy() ? 1.0 : params.temperature();
    double[] x = new double[vocab];
    double max = Double.NEGATIVE_INFINITY;
    int argmax = 0;
    for (int v = 0; v < vocab; v++) {
      x[v] = logits[offset + v] / temperature;
      if (x[v] > max) {
        max = x[v];
        argmax = v;
      }
    }
    double sum = 0;
    for (int v = 0; v < vocab; v++) {
      sum += Math.exp(x[v] - max);
    }
    double logZ = max + Math.log(sum);
    int token = params.isGreedy() ? argmax : sampleFiltered(x, max, vocab);
    logprobOut[0] = x[token] - logZ;
    return token;
  }

  private int sampleFiltered(double[] x, double max, int vocab) {
    boolean[] keep = new boolean[vocab];
    Arrays.fill(keep, true);
    Integer[] order = null;
    if (params.topK() > 0 && params.topK() < vocab) {
      order = sortedByLogit(x);
      for (int i = params.topK(); i < vocab; i++) {
        keep[order[i]] = false;
      }
    }
    if (params.topP() < 1.0) {
      if (order == null) {
        order = sortedByLogit(x);
      }
      double total = 0;
      for (int v = 0; v < vocab; v++) {
        if (keep[v]) {
          total += Math.exp(x[v] - max);
        }
      }
      double cum = 0;
      boolean reached = false;
      for (Integer v : order) {
        if (!keep[v]) {
          continue;
        }
        if (reached) {
          keep[v] = false;
          continue;
        }
        cum += Math.exp(x[v] - max) / total;
        reached = cum >= params.topP(); // the token that crosses p is kept, later ones go
      }
    }
    double total = 0;
    for (int v = 0; v < vocab; v++) {
      if (keep[v]) {
        total += Math.exp(x[v] - max);
      }
    }
    double u = random.nextDouble() * total;
    double c = 0;
    int last = 0;
    for (int v = 0; v < vocab; v++) {
      if (keep[v]) {
        c += Math.exp(x[v] - max);
        last = v;
        if (u < c) {
          return v;
        }
      }
    }
    return last;
  }

  private static Integer[] sortedByLogit(double[] x) {
    Integer[] idx = new Integer[x.length];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    Arrays.sort(idx, (a, b) -> Double.compare(x[b], x[a]));
    return idx;
  }
}
