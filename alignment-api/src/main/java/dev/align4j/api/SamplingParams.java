package dev.align4j.api;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

/**
 * How a policy samples completions. Filters apply in the order temperature → top-k → top-p, as in transformers.
 *
 * @param temperature divides the logits; 0 means greedy (argmax)
 * @param topK keep the k most likely tokens; 0 disables
 * @param topP keep the smallest set of tokens whose probability reaches p; 1 disables
 * @param maxNewTokens upper bound on generated tokens, at least 1
 * @param eos whether generation stops at the end-of-sequence token
 */
public record SamplingParams(double temperature, int topK, double topP, int maxNewTokens, EosHandling eos) {
  /**
   * Validates the fields; throws {@link IllegalArgumentException} naming the first out-of-range one (NaN fails every
   * check) and {@link NullPointerException} for a null {@code eos}.
   *
   * @param temperature finite and {@code >= 0}; 0 is greedy
   * @param topK {@code >= 0}; 0 disables
   * @param topP in (0, 1]; 1 disables
   * @param maxNewTokens at least 1
   * @param eos not null
   */
  public SamplingParams {
    checkArgument(temperature >= 0 && Double.isFinite(temperature),
        "temperature must be finite and >= 0 (0 = greedy), got %s", temperature);
    checkArgument(topK >= 0, "topK must be >= 0 (0 disables), got %s", topK);
    checkArgument(topP > 0 && topP <= 1, "topP must be in (0, 1] (1 disables), got %s", topP);
    checkArgument(maxNewTokens >= 1, "maxNewTokens must be >= 1, got %s", maxNewTokens);
    checkNotNull(eos, "eos");
  }

  /**
   * A builder with the defaults of TRL's generation settings: temperature 1, no top-k, top-p 1, 256 new tokens.
   *
   * @return a new builder holding those defaults, stopping at EOS
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder holding these values.
   *
   * @return a new builder initialised from every field of this record, to change one or two of them
   */
  public Builder toBuilder() {
    return new Builder().temperature(temperature).topK(topK).topP(topP).maxNewTokens(maxNewTokens).eos(eos);
  }

  /** Builds {@link SamplingParams}; each setter names its default. */
  public static final class Builder {
    private double temperature = 1.0;
    private int topK;
    private double topP = 1.0;
    private int maxNewTokens = 256;
    private EosHandling eos = EosHandling.STOP;

    private Builder() {}

    /**
     * Divides the logits, 0 greedy; default 1.0.
     *
     * @param v the temperature, finite and {@code >= 0} (checked by {@link #build()})
     * @return this builder
     */
    public Builder temperature(double v) {
      this.temperature = v;
      return this;
    }

    /**
     * Keep the k most likely tokens, 0 off; default 0.
     *
     * @param v k, {@code >= 0} (checked by {@link #build()})
     * @return this builder
     */
    public Builder topK(int v) {
      this.topK = v;
      return this;
    }

    /**
     * Keep the smallest set of tokens reaching probability p, 1 off; default 1.0.
     *
     * @param v p, in (0, 1] (checked by {@link #build()})
     * @return this builder
     */
    public Builder topP(double v) {
      this.topP = v;
      return this;
    }

    /**
     * Upper bound on generated tokens; default 256 (TRL's {@code max_completion_length} of GRPO).
     *
     * @param v the bound, at least 1 (checked by {@link #build()})
     * @return this builder
     */
    public Builder maxNewTokens(int v) {
      this.maxNewTokens = v;
      return this;
    }

    /**
     * Whether generation stops at EOS; default it does.
     *
     * @param v {@link EosHandling#STOP} or {@link EosHandling#IGNORE}, not null (checked by {@link #build()})
     * @return this builder
     */
    public Builder eos(EosHandling v) {
      this.eos = v;
      return this;
    }

    /**
     * The parameters; throws {@link IllegalArgumentException} naming the first invalid field.
     *
     * @return the validated parameters; the builder can be reused
     */
    public SamplingParams build() {
      return new SamplingParams(temperature, topK, topP, maxNewTokens, eos);
    }
  }

  /**
   * Plain sampling at the given temperature, stopping at EOS.
   *
   * @param temperature divides the logits; finite and {@code >= 0}, 0 meaning greedy
   * @param maxNewTokens upper bound on generated tokens, at least 1
   * @return parameters without top-k (0) or top-p (1) filtering and {@link EosHandling#STOP}
   */
  public static SamplingParams sample(double temperature, int maxNewTokens) {
    return new SamplingParams(temperature, 0, 1.0, maxNewTokens, EosHandling.STOP);
  }

  /**
   * Greedy decoding, stopping at EOS.
   *
   * @param maxNewTokens upper bound on generated tokens, at least 1
   * @return parameters with temperature 0, no top-k or top-p filtering and {@link EosHandling#STOP}
   */
  public static SamplingParams greedy(int maxNewTokens) {
    return new SamplingParams(0, 0, 1.0, maxNewTokens, EosHandling.STOP);
  }

  /**
   * Whether this is greedy decoding.
   *
   * @return true when the temperature is 0: the argmax is taken, and top-k and top-p have no effect
   */
  public boolean isGreedy() {
    return temperature == 0;
  }

  /**
   * A copy with another EOS handling.
   *
   * @param newEos the EOS handling of the copy, not null
   * @return a copy with every other field unchanged
   */
  public SamplingParams with(EosHandling newEos) {
    return new SamplingParams(temperature, topK, topP, maxNewTokens, newEos);
  }

  /** What generation does when it samples the end-of-sequence token. */
  public enum EosHandling {
    /** Stop the row; the EOS token is part of the completion. */
    STOP,
    /** Keep generating until {@code maxNewTokens}. */
    IGNORE
  }
}
