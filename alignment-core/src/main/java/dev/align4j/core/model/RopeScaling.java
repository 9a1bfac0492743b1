package dev.align4j.core.model;

import static com.google.common.base.Preconditions.checkArgument;

/** The RoPE frequency schemes align4j implements ({@code rope_scaling} in config.json). */
public sealed interface RopeScaling {
  /** Scales the inverse frequencies {@code 1/θ^{2i/d}} in place. */
  void apply(double[] invFreq, int headDim);

  /** No scaling ({@code rope_scaling: null} or {@code rope_type: "default"}). */
  record None() implements RopeScaling {
    @Override public void apply(double[] invFreq, int headDim) {}
  }

  /** Position interpolation (Chen et al. 2023): every frequency divided by {@code factor}. */
  record Linear(double factor) implements RopeScaling {
    public Linear {
      checkArgument(factor >= 1, "rope_scaling.factor must be >= 1, got %s", factor);
    }

    @Override public void apply(double[] invFreq, int headDim) {
      for (int i = 0; i < invFreq.length; i++) {
        invFreq[i] /= factor;
      }
    }
  }

  /**
   * Llama 3.1's scheme: long wavelengths divided by {@code factor}, short ones kept, a smooth blend between
   * ({@code _compute_llama3_parameters} in transformers).
   */
  record Llama3(double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositions)
      implements RopeScaling {
    public Llama3 {
      checkArgument(factor >= 1 && lowFreqFactor > 0 && highFreqFactor > lowFreqFactor && originalMaxPositions > 0,
          "invalid llama3 rope_scaling: factor %s, low_freq_factor %s, high_freq_factor %s, "
              + "original_max_position_embeddings %s", factor, lowFreqFactor, highFreqFactor, originalMaxPositions);
    }

    @Override public void apply(double[] invFreq, int headDim) {
      double lowWavelen = originalMaxPositions / lowFreqFactor;
      double highWavelen = originalMaxPositions / highFreqFactor;
      for (int i = 0; i < invFreq.length; i++) {
        double wavelen = 2 * Math.PI / invFreq[i];
        if (wavelen > lowWavelen) {
          invFreq[i] /= factor;
        } else if (wavelen >= highWavelen) {
          double smooth = (originalMaxPositions / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
          invFreq[i] = (1 - smooth) * invFreq[i] / factor + smooth * invFreq[i];
        }
      }
    }
  }
}
