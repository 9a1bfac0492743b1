package dev.align4j.core.dpo;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.align4j.core.train.TrainingArgs;
import dev.align4j.core.train.VariantNames;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * DPO training (TRL's {@code DPOConfig}). Build with {@link #builder()}.
 *
 * @param training the shared training options
 * @param beta β, the leash to the reference (0.1 in Rafailov et al. 2023)
 * @param losses the loss type(s) with weights
 * @param divergence the f-divergence
 * @param klMaxNewTokens tokens sampled per held-out prompt for the KL-to-reference evaluation (fewer when the
 *     model's positions leave less room after the longest held-out prompt)
 */
public record DpoConfig(TrainingArgs training, double beta, List<WeightedDpoLoss> losses, FDivergence divergence,
    int klMaxNewTokens) {
  public DpoConfig {
    checkNotNull(training, "training");
    checkArgument(beta > 0 && Double.isFinite(beta), "beta must be finite and > 0, got %s", beta);
    checkNotNull(losses, "losses");
    checkArgument(!losses.isEmpty(), "losses must name at least one loss type");
    losses = List.copyOf(losses);
    checkNotNull(divergence, "divergence");
    checkArgument(klMaxNewTokens >= 1, "klMaxNewTokens must be >= 1, got %s", klMaxNewTokens);
  }

  /** The built-in objective of this configuration. */
  public DpoObjective objective() {
    return new DpoObjective(beta, losses, divergence);
  }

  /**
   * A builder with TRL's DPO defaults: learning rate 1e-6, β 0.1, the sigmoid loss, reverse KL, 3 epochs, batch 8,
   * max length 1024.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these values. */
  public Builder toBuilder() {
    return new Builder().training(training).beta(beta).losses(losses).divergence(divergence)
        .klMaxNewTokens(klMaxNewTokens);
  }

  /** Every option under the command line's names, for {@code config.json}. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>(training.toMap());
    m.put("beta", beta);
    List<String> types = new ArrayList<>();
    List<Double> weights = new ArrayList<>();
    for (WeightedDpoLoss l : losses) {
      types.add(VariantNames.of(l.type()));
      weights.add(l.weight());
      if (l.type() instanceof DpoLossType.Robust r) {
        m.put("label-smoothing", r.labelSmoothing());
      } else if (l.type() instanceof DpoLossType.ExoPair e) {
        m.put("label-smoothing", e.labelSmoothing());
      } else if (l.type() instanceof DpoLossType.Aot a) {
        m.put("label-smoothing", a.labelSmoothing());
      } else if (l.type() instanceof DpoLossType.AotUnpaired a) {
        m.put("label-smoothing", a.labelSmoothing());
      } else if (l.type() instanceof DpoLossType.DiscoPop d) {
        m.put("discopop-tau", d.tau());
      }
    }
    m.put("loss-type", types);
    m.put("loss-weights", weights);
    m.put("f-divergence-type", VariantNames.of(divergence));
    if (divergence instanceof FDivergence.AlphaDivergence a) {
      m.put("f-alpha-divergence-coef", a.alpha());
    }
    m.put("kl-max-new-tokens", klMaxNewTokens);
    return m;
  }

  /** Builds a {@link DpoConfig}; each setter names its default and TRL's field. */
  public static final class Builder extends TrainingArgs.AbstractBuilder<Builder> {
    private double beta = 0.1;
    private List<WeightedDpoLoss> losses = List.of(new WeightedDpoLoss(new DpoLossType.Sigmoid(), 1.0));
    private FDivergence divergence = new FDivergence.ReverseKl();
    private int klMaxNewTokens = 32;

    Builder() {
      learningRate(1e-6);
    }

    @Override
    protected Builder self() {
      return this;
    }

    /** β, the strength of the leash to the reference; default 0.1 ({@code beta}). */
    public Builder beta(double v) {
      this.beta = v;
      return this;
    }

    /** One loss type with weight 1; default sigmoid ({@code loss_type} ["sigmoid"]). */
    public Builder lossType(DpoLossType type) {
      this.losses = List.of(new WeightedDpoLoss(type, 1.0));
      return this;
    }

    /** Several weighted loss types ({@code loss_type} with {@code loss_weights}). */
    public Builder losses(List<WeightedDpoLoss> v) {
      this.losses = List.copyOf(v);
      return this;
    }

    /** The f-divergence; default reverse KL ({@code f_divergence_type}; alpha's default coefficient is 0.5). */
    public Builder divergence(FDivergence v) {
      this.divergence = v;
      return this;
    }

    /** Tokens sampled per held-out prompt for the exact KL-to-reference evaluation; default 32 (align4j's). */
    public Builder klMaxNewTokens(int v) {
      this.klMaxNewTokens = v;
      return this;
    }

    /** The configuration; throws {@link IllegalArgumentException} naming the first invalid field. */
    public DpoConfig build() {
      return new DpoConfig(trainingArgs(), beta, losses, divergence, klMaxNewTokens);
    }
  }
}
