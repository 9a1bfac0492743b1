package dev.align4j.core.grpo;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * The GRPO loss family: each variant fixes the per-token loss and how tokens are aggregated into one number.
 *
 * <p>Clipped variants use {@code ℓ = −min(ρA, clip(ρ, 1−ε_l, 1+ε_h)·A)}; the others say theirs.
 */
public sealed interface GrpoLossType {

  /** TRL's name of the variant ({@code grpo}, {@code dr_grpo}, …). */
  String trlName();

  /** The per-token loss form. */
  TokenLoss tokenLoss();

  /** How per-token losses become one number. */
  LossAggregation aggregation();

  /** Per-token loss forms. */
  enum TokenLoss {
    /** {@code −min(ρA, clip(ρ, 1−ε_l, 1+ε_h)·A)}, ρ capped at δ in the first term when δ is set. */
    CLIPPED,
    /** {@code −sg(min(ρ, ε_h))·A·logπ}. */
    CISPO,
    /** {@code −(4/τ)·σ(τ(ρ−1))·A}. */
    SAPO,
    /** {@code −sg(φ)·A·logπ}. */
    VESPO
  }

  /** Shao et al. 2024, eq. 3: clipped; per-sequence token mean, then mean over sequences. */
  record Grpo() implements GrpoLossType {
    @Override public String trlName() {
      return "grpo";
    }

    @Override public TokenLoss tokenLoss() {
      return TokenLoss.CLIPPED;
    }

    @Override public LossAggregation aggregation() {
      return LossAggregation.SEQUENCE_MEAN;
    }
  }

  /** Clipped; token mean over the whole batch (TRL's "batch-normalised" variant). */
  record Bnpo() implements GrpoLossType {
    @Override public String trlName() {
      return "bnpo";
    }

    @Override public TokenLoss tokenLoss() {
      return TokenLoss.CLIPPED;
    }

    @Override public LossAggregation aggregation() {
      return LossAggregation.TOKEN_MEAN;
    }
  }

  /**
   * Dr. GRPO (Liu et al. 2025, eq. 4): clipped; sum over tokens divided by {@code B·L_max}, removing the length bias
   * of per-sequence means.
   *
   * @param maxCompletionLength L_max, the generation budget in tokens
   */
  record DrGrpo(int maxCompletionLength) implements GrpoLossType {
    public DrGrpo {
      checkArgument(maxCompletionLength >= 1, "maxCompletionLength must be >= 1, got %s", maxCompletionLength);
    }

    @Override public String trlName() {
      return "dr_grpo";
    }

    @Override public TokenLoss tokenLoss() {
      return TokenLoss.CLIPPED;
    }

    @Override public LossAggregation aggregation() {
      return LossAggregation.MAX_LENGTH;
    }
  }

  /** DAPO (Yu et al. 2025, eq. 8): clipped; token sum over the number of items in the batch. */
  record Dapo() implements GrpoLossType {
    @Override public String trlName() {
      return "dapo";
    }

    @Override public TokenLoss tokenLoss() {
      return TokenLoss.CLIPPED;
    }

    @Override public LossAggregation aggregation() {
      return LossAggregation.ITEMS;
    }
  }

  /** LUSPO: clipped; each sequence's loss times its length, mean over sequences (meant for sequence-level ratios). */
  record Luspo() implements GrpoLossType {
    @Override public String trlName() {
      return "luspo";
    }

    @Override public TokenLoss tokenLoss() {
      return TokenLoss.CLIPPED;
    }

    @Override public LossAggregation aggregation() {
      return LossAggregation.LENGTH_WEIGHTED;
    }
  }

  /**
   * CISPO (MiniMax-M1, 2025): {@code ℓ = −sg(min(ρ, ε_h))·A·logπ}, where {@code ε_h} is an absolute cap on the ratio;
   * DAPO aggregation.
   */
  record Cispo() implements GrpoLossType {
    @Override public String trlName() {
      return "cispo";
    }

    @Override public TokenLoss tokenLoss() {
      return TokenLoss.CISPO;
    }

    @Override public LossAggregation aggregation() {
      return LossAggregation.ITEMS;
    }
  }

  /**
   * SAPO (soft adaptive policy optimisation): {@code ℓ = −(4/τ)·σ(τ(ρ−1))·A}, a smooth gate instead of a hard clip,
   * with temperature {@code τ_pos} for positive advantages and {@code τ_neg} otherwise; GRPO aggregation.
   */
  record Sapo(double temperaturePos, double temperatureNeg) implements GrpoLossType {
    public Sapo {
      checkArgument(temperaturePos > 0 && temperatureNeg > 0,
          "SAPO temperatures must be > 0, got %s and %s", temperaturePos, temperatureNeg);
    }

    @Override public String trlName() {
      return "sapo";
    }

    @Override public TokenLoss tokenLoss() {
      return TokenLoss.SAPO;
    }

    @Override public LossAggregation aggregation() {
      return LossAggregation.SEQUENCE_MEAN;
    }
  }

  /**
   * VESPO: a per-sequence gamma-shaped weight {@code φ = exp(λ + k·λw − λ·e^{λw})} of the summed log-ratio
   * ({@code λw} clipped to [ln 1e-8, 20]), constant for gradients: {@code ℓ = −φ·A·logπ}; DAPO aggregation.
   */
  record Vespo(double kPos, double lambdaPos, double kNeg, double lambdaNeg) implements GrpoLossType {
    public Vespo {
      checkArgument(Double.isFinite(kPos) && Double.isFinite(lambdaPos) && Double.isFinite(kNeg)
          && Double.isFinite(lambdaNeg), "VESPO parameters must be finite, got %s %s %s %s",
          kPos, lambdaPos, kNeg, lambdaNeg);
    }

    @Override public String trlName() {
      return "vespo";
    }

    @Override public TokenLoss tokenLoss() {
      return TokenLoss.VESPO;
    }

    @Override public LossAggregation aggregation() {
      return LossAggregation.ITEMS;
    }
  }
}
