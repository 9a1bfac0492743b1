package dev.align4j.benchmarks;

import java.util.SplittableRandom;

/** Seeded, realistic inputs for the kernel benchmarks; every benchmark of a size sees the same numbers. */
final class RandomInputs {
  private RandomInputs() {}

  /** Logits like a language model's: N(0, 2²) with one confident token per row lifted by 8. */
  static float[] logits(int rows, int vocab, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    float[] x = new float[Math.multiplyExact(rows, vocab)];
    for (int r = 0; r < rows; r++) {
      for (int v = 0; v < vocab; v++) {
        x[r * vocab + v] = (float) (2 * rnd.nextGaussian());
      }
      x[r * vocab + rnd.nextInt(vocab)] += 8f;
    }
    return x;
  }

  /** A reference model's logits near {@code logits}: each one moved by N(0, 0.5²). */
  static float[] nearby(float[] logits, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    float[] y = new float[logits.length];
    for (int i = 0; i < y.length; i++) {
      y[i] = logits[i] + (float) (0.5 * rnd.nextGaussian());
    }
    return y;
  }

  /** Token ids uniform in {@code [0, vocab)}. */
  static int[] tokens(int rows, int vocab, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    int[] t = new int[rows];
    for (int r = 0; r < rows; r++) {
      t[r] = rnd.nextInt(vocab);
    }
    return t;
  }

  /** Values N(mean, sd²). */
  static float[] gaussian(int n, double mean, double sd, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (mean + sd * rnd.nextGaussian());
    }
    return x;
  }

  /** A right-padded response mask {@code 1…1 0…0} per row, lengths uniform in {@code [time/2, time]}. */
  static float[] prefixMask(int batch, int time, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    float[] m = new float[Math.multiplyExact(batch, time)];
    for (int b = 0; b < batch; b++) {
      int len = time / 2 + rnd.nextInt(time - time / 2 + 1);
      for (int t = 0; t < len; t++) {
        m[b * time + t] = 1f;
      }
    }
    return m;
  }

  /** Parses a size such as {@code "4x256x32000"} into its dimensions. */
  static int[] dims(String size) {
    String[] parts = size.split("x");
    int[] d = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      d[i] = Integer.parseInt(parts[i].trim());
    }
    return d;
  }
}
