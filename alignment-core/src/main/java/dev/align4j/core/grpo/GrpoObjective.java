package dev.align4j.core.grpo;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static dev.align4j.api.objective.Scalars.minimum;
import static dev.align4j.api.objective.Scalars.mul;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.DataType;
import dev.align4j.api.kernel.KlEstimator;
import dev.align4j.api.objective.Objective;
import dev.align4j.api.objective.ObjectiveResult;
import dev.align4j.core.math.KlEstimates;
import dev.align4j.core.math.Masked;
import dev.align4j.core.math.Sigmoids;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * The GRPO loss family (Shao et al. 2024, eq. 3 and its successors, see {@link GrpoLossType}) with an optional k3 KL
 * penalty to the reference, {@code ℓ += β·k3}.
 *
 * <p>The ratio is {@code ρ = exp(logπ − sg(logπ_old))}, so on the on-policy first step {@code ρ = 1} exactly and the
 * gradient is {@code A·∇logπ}.
 *
 * <p>Outputs: {@code kl/reference} (β ≠ 0), and by family: {@code clip_ratio/low_mean}, {@code clip_ratio/low_min},
 * {@code clip_ratio/high_mean}, {@code clip_ratio/high_max}, {@code clip_ratio/region_mean} (clipped variants),
 * {@code cispo_clip_ratio}, {@code vespo/phi_seq_mean}.
 *
 * @param lossType the variant
 * @param epsilonLow ε_l, lower clip range (0.2 in the paper)
 * @param epsilonHigh ε_h, upper clip range (DAPO's clip-higher uses 0.28); CISPO's absolute ratio cap
 * @param beta KL coefficient β ≥ 0; 0 needs no reference model
 * @param delta optional upper cap on the ratio in the unclipped term (two-sided clipping, INTELLECT-2)
 * @param importanceSampling token- or sequence-level ratios
 * @param klCorrection whether the KL term is weighted by ρ
 * @param numItemsInBatch DAPO/CISPO/VESPO normaliser; empty means the number of valid tokens of the batch
 * @param numProcesses data-parallel processes sharing {@code numItemsInBatch}
 */
public record GrpoObjective(GrpoLossType lossType, double epsilonLow, double epsilonHigh, double beta,
    OptionalDouble delta, ImportanceSampling importanceSampling, KlCorrection klCorrection,
    OptionalInt numItemsInBatch, int numProcesses) implements Objective<GrpoBatch> {

  private static final double VESPO_LOG_RATIO_CLIP = 20.0;
  private static final double VESPO_LOG_WEIGHT_MIN = Math.log(1e-8);

  public GrpoObjective {
    checkNotNull(lossType, "lossType");
    checkArgument(epsilonLow >= 0 && epsilonLow < 1, "epsilonLow must be in [0, 1), got %s", epsilonLow);
    checkArgument(epsilonHigh >= 0 && Double.isFinite(epsilonHigh),
        "epsilonHigh must be finite and >= 0, got %s", epsilonHigh);
    checkArgument(beta >= 0 && Double.isFinite(beta), "beta must be finite and >= 0 (0 disables KL), got %s", beta);
    checkNotNull(delta, "delta (use OptionalDouble.empty())");
    delta.ifPresent(d -> checkArgument(d > 1, "delta must be > 1 (a cap above the clip range), got %s", d));
    checkNotNull(importanceSampling, "importanceSampling");
    checkNotNull(klCorrection, "klCorrection");
    checkNotNull(numItemsInBatch, "numItemsInBatch (use OptionalInt.empty())");
    checkArgument(numProcesses >= 1, "numProcesses must be >= 1, got %s", numProcesses);
  }

  /** The given variant with ε = 0.2 on both sides, token-level ratios and the given β. */
  public static GrpoObjective of(GrpoLossType lossType, double beta) {
    return new GrpoObjective(lossType, 0.2, 0.2, beta, OptionalDouble.empty(), ImportanceSampling.TOKEN,
        KlCorrection.NONE, OptionalInt.empty(), 1);
  }

  @Override
  public ObjectiveResult compute(GrpoBatch in) {
    NDArray lp = in.logprobs();                                             // (B, T)
    NDArray mask = in.mask();                                               // (B, T)
    NDArray adv = in.advantages().stopGradient().expandDims(1);             // (B, 1)
    NDArray lengths = mask.sum(new int[] {1}, true);                        // (B, 1)
    NDArray logRatio = lp.sub(in.oldLogprobs().stopGradient());             // (B, T)
    NDArray rho = switch (importanceSampling) {
      case TOKEN -> logRatio.exp();                                         // (B, T)
      case SEQUENCE -> logRatio.mul(mask).sum(new int[] {1}, true).div(lengths.maximum(1f)).exp();  // (B, 1)
    };

    NDArray kl = null;
    if (beta != 0) {
      NDArray ref = in.refLogprobs().orElseThrow(() -> new IllegalArgumentException(
          "beta is " + beta + " but the batch has no reference log-probs; pass them or set beta to 0"));
      kl = KlEstimates.perToken(lp, ref.stopGradient(), KlEstimator.K3);  // (B, T)
      if (klCorrection == KlCorrection.IMPORTANCE_WEIGHTED) {
        kl = kl.mul(rho);
      }
    }

    Map<String, NDArray> out = new LinkedHashMap<>();
    NDArray perToken = switch (lossType.tokenLoss()) {
      case CLIPPED -> {
        NDArray rhoHat = rho.clip(1 - epsilonLow, 1 + epsilonHigh);
        NDArray rhoCapped = delta.isPresent() ? minimum(rho, delta.getAsDouble()) : rho;
        putClipMetrics(out, rhoCapped.stopGradient(), adv, mask, lengths);
        yield rhoCapped.mul(adv).minimum(rhoHat.mul(adv)).neg();
      }
      case CISPO -> {
        NDArray clippedTokens = rho.stopGradient().gt((float) epsilonHigh).logicalAnd(adv.gt(0f));
        out.put("cispo_clip_ratio", batchMean(clippedTokens.toType(DataType.FLOAT32, false), mask));
        yield minimum(rho, epsilonHigh).stopGradient().mul(adv).mul(lp).neg();
      }
      case SAPO -> {
        GrpoLossType.Sapo s = (GrpoLossType.Sapo) lossType;
        NDArray positive = adv.gt(0f).toType(DataType.FLOAT32, false);
        NDArray tau = positive.mul((float) s.temperaturePos())
            .add(positive.neg().add(1f).mul((float) s.temperatureNeg()));  // (B, 1)
        NDArray gate = Sigmoids.sigmoid(tau.mul(rho.sub(1f))).mul(4f).div(tau);
        yield gate.mul(adv).neg();
      }
      case VESPO -> {
        NDArray phi = vespoWeights((GrpoLossType.Vespo) lossType, logRatio, mask, adv);  // (B, 1), constant
        out.put("vespo/phi_seq_mean", phi.mean());
        yield phi.mul(adv).mul(lp).neg();
      }
    };
    if (kl != null) {
      perToken = perToken.add(mul(kl, beta));
    }
    NDArray loss = aggregate(perToken, mask, lengths);
    if (kl != null) {
      out = prepend("kl/reference", Masked.mean(kl.stopGradient(), mask), out);
    }
    return ObjectiveResult.of(loss, out);
  }

  private NDArray aggregate(NDArray perToken, NDArray mask, NDArray lengths) {
    long batch = mask.getShape().get(0);
    return switch (lossType.aggregation()) {
      case SEQUENCE_MEAN -> Masked.rowMean(perToken.mul(mask.onesLike()), mask).mean();
      case TOKEN_MEAN -> Masked.mean(perToken, mask);
      case MAX_LENGTH -> Masked.sum(perToken, mask)
          .div(mask.getManager().create((float) (batch * ((GrpoLossType.DrGrpo) lossType).maxCompletionLength())));
      case ITEMS -> Masked.sum(perToken, mask).div(itemNormaliser(mask));
      case LENGTH_WEIGHTED -> perToken.mul(lengths).mean();
    };
  }

  /** {@code max(numItemsInBatch, 1) / numProcesses}, with the batch's valid-token count when not given. */
  private NDArray itemNormaliser(NDArray mask) {
    NDArray items = numItemsInBatch.isPresent()
        ? mask.getManager().create((float) numItemsInBatch.getAsInt())
        : mask.sum();
    return items.maximum(1f).div((float) numProcesses);
  }

  /**
   * VESPO's per-sequence weight {@code φ_b = exp(λ + k·λw − λ·e^{λw})}, {@code λw = clip(Σ_t clip(log ρ, ±20)·m,
   * ln 1e-8, 20)}, with {@code (k, λ)} chosen by the sign of the advantage; non-finite weights become 0. Constant for
   * gradients.
   */
  private static NDArray vespoWeights(GrpoLossType.Vespo v, NDArray logRatio, NDArray mask, NDArray adv) {
    NDArray s = logRatio.stopGradient().clip(-VESPO_LOG_RATIO_CLIP, VESPO_LOG_RATIO_CLIP)
        .mul(mask).sum(new int[] {1}, true);                                // (B, 1)
    NDArray logW = s.clip(VESPO_LOG_WEIGHT_MIN, VESPO_LOG_RATIO_CLIP);
    NDArray w = logW.exp();
    NDArray pos = adv.gte(0f).toType(DataType.FLOAT32, false);
    NDArray neg = pos.neg().add(1f);
    NDArray k = pos.mul((float) v.kPos()).add(neg.mul((float) v.kNeg()));
    NDArray lambda = pos.mul((float) v.lambdaPos()).add(neg.mul((float) v.lambdaNeg()));
    NDArray phi = lambda.add(k.mul(logW)).sub(lambda.mul(w)).exp();
    NDArray finite = phi.isNaN().logicalOr(phi.isInfinite()).logicalNot();
    return NDArrays.where(finite, phi, phi.zerosLike()).stopGradient();
  }

  private void putClipMetrics(Map<String, NDArray> out, NDArray rho, NDArray adv, NDArray mask, NDArray lengths) {
    NDArray low = rho.lt((float) (1 - epsilonLow)).logicalAnd(adv.lt(0f)).toType(DataType.FLOAT32, false);
    NDArray high = rho.gt((float) (1 + epsilonHigh)).logicalAnd(adv.gt(0f)).toType(DataType.FLOAT32, false);
    NDArray region = low.add(high).minimum(1f);
    out.put("clip_ratio/low_mean", batchMean(low, mask));
    out.put("clip_ratio/high_mean", batchMean(high, mask));
    out.put("clip_ratio/region_mean", batchMean(region, mask));
    if (isSequenceShaped(low)) {
      // one indicator per row: min/max over all rows, empty rows included
      out.put("clip_ratio/low_min", low.min());
      out.put("clip_ratio/high_max", high.max());
    } else {
      // per-row share of clipped tokens; empty rows are excluded (pushed above 1 for the min, 0 for the max)
      NDArray lowRows = Masked.rowMean(low, mask);
      NDArray empty = lengths.squeeze(1).eq(0f).toType(DataType.FLOAT32, false);
      out.put("clip_ratio/low_min", lowRows.add(empty.mul(2f)).min());
      out.put("clip_ratio/high_max", Masked.rowMean(high, mask).max());
    }
  }

  /** TRL's {@code masked_batch_mean}: a plain mean of a {@code (B, 1)} per-sequence quantity, else a masked mean. */
  private static NDArray batchMean(NDArray x, NDArray mask) {
    return isSequenceShaped(x) ? x.mean() : Masked.mean(x, mask);
  }

  private static boolean isSequenceShaped(NDArray x) {
    return x.getShape().get(1) == 1;
  }

  private static Map<String, NDArray> prepend(String key, NDArray value, Map<String, NDArray> rest) {
    Map<String, NDArray> m = new LinkedHashMap<>();
    m.put(key, value);
    m.putAll(rest);
    return m;
  }
}
