package dev.align4j.core.dpo;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static dev.align4j.api.objective.Scalars.mul;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.align4j.api.objective.Objective;
import dev.align4j.api.objective.ObjectiveResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * DPO and its variants (Rafailov et al. 2023): the policy's log-ratio against the frozen reference acts as an
 * implicit reward {@code β·log π/π_ref}, and a pairwise loss pushes the chosen one above the rejected one.
 *
 * <p>Several weighted losses combine as {@code Σ_k w_k·mean(loss_k)}.
 *
 * <p>Outputs (TRL's names): per pair {@code losses}, {@code chosen_rewards = β·a}, {@code rejected_rewards = β·b};
 * scalars {@code rewards/chosen}, {@code rewards/rejected}, {@code rewards/accuracies} (strictly
 * {@code β·a > β·b}), {@code rewards/margins}, {@code logps/chosen}, {@code logps/rejected}. The implicit rewards
 * always use the plain log-ratios, whatever the divergence.
 *
 * @param beta β > 0, the strength of the leash to the reference (0.1 in the paper)
 * @param terms the loss or losses, with weights
 * @param divergence the f-divergence (reverse KL for standard DPO)
 */
public record DpoObjective(double beta, List<WeightedDpoLoss> terms, FDivergence divergence)
    implements Objective<DpoBatch> {
  public DpoObjective {
    checkArgument(beta > 0 && Double.isFinite(beta), "beta must be finite and > 0, got %s", beta);
    checkNotNull(terms, "terms");
    checkArgument(!terms.isEmpty(), "terms must name at least one loss");
    terms = List.copyOf(terms);
    checkNotNull(divergence, "divergence");
  }

  /** One loss type with weight 1 and reverse KL. */
  public static DpoObjective of(double beta, DpoLossType type) {
    return new DpoObjective(beta, List.of(new WeightedDpoLoss(type, 1.0)), new FDivergence.ReverseKl());
  }

  @Override
  public ObjectiveResult compute(DpoBatch in) {
    DpoTerms t = DpoTerms.of(in, divergence);
    NDArray losses = null;                                                   // (N)
    for (WeightedDpoLoss term : terms) {
      NDArray l = mul(term.type().losses(t, beta), term.weight());
      losses = losses == null ? l : losses.add(l);
    }
    NDArray loss = losses.mean();

    NDArray chosenRewards = mul(t.chosenLogRatio().stopGradient(), beta);
    NDArray rejectedRewards = mul(t.rejectedLogRatio().stopGradient(), beta);
    Map<String, NDArray> out = new LinkedHashMap<>();
    out.put("losses", losses.stopGradient());
    out.put("chosen_rewards", chosenRewards);
    out.put("rejected_rewards", rejectedRewards);
    out.put("rewards/chosen", chosenRewards.mean());
    out.put("rewards/rejected", rejectedRewards.mean());
    out.put("rewards/accuracies", chosenRewards.gt(rejectedRewards).toType(DataType.FLOAT32, false).mean());
    out.put("rewards/margins", chosenRewards.sub(rejectedRewards).mean());
    out.put("logps/chosen", in.policyChosen().stopGradient().mean());
    out.put("logps/rejected", in.policyRejected().stopGradient().mean());
    return ObjectiveResult.of(loss, out);
  }
}
