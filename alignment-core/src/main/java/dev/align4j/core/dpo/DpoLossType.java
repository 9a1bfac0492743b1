package dev.align4j.core.dpo;

import static com.google.common.base.Preconditions.checkArgument;
import static dev.align4j.api.objective.Scalars.div;
import static dev.align4j.api.objective.Scalars.maximum;
import static dev.align4j.api.objective.Scalars.mul;

import ai.djl.ndarray.NDArray;
import dev.align4j.core.math.Sigmoids;

/**
 * The DPO loss family. Each variant computes its per-pair losses {@code (N)} from the {@link DpoTerms}; the batch
 * loss is their mean. Formulas follow the papers cited on each variant and TRL's {@code DPOTrainer}.
 */
public sealed interface DpoLossType {

  /** Per-pair losses {@code (N)}. */
  NDArray losses(DpoTerms t, double beta);

  /** TRL's name of the variant. */
  String trlName();

  /**
   * DPO (Rafailov et al. 2023, eq. 7): {@code −log σ(βΔ)}. For conservative DPO with label smoothing use
   * {@link Robust}.
   */
  record Sigmoid() implements DpoLossType {
    @Override public NDArray losses(DpoTerms t, double beta) {
      return Sigmoids.logSigmoid(mul(t.delta(), beta)).neg();
    }

    @Override public String trlName() {
      return "sigmoid";
    }
  }

  /** SLiC (Zhao et al. 2023, eq. 3): {@code max(0, 1 − βΔ)}. */
  record Hinge() implements DpoLossType {
    @Override public NDArray losses(DpoTerms t, double beta) {
      return maximum(mul(t.delta(), -beta).add(1f), 0);
    }

    @Override public String trlName() {
      return "hinge";
    }
  }

  /**
   * IPO (Azar et al. 2023, eq. 17), on length-normalised scores as TRL computes it:
   * {@code (s(a)/L_c − s(b)/L_r − 1/(2β))²}.
   */
  record Ipo() implements DpoLossType {
    @Override public NDArray losses(DpoTerms t, double beta) {
      NDArray[] len = t.lengths("ipo");
      return t.chosenScore().div(len[0]).sub(t.rejectedScore().div(len[1])).sub((float) (1 / (2 * beta))).square();
    }

    @Override public String trlName() {
      return "ipo";
    }
  }

  /** Length-normalised DPO: {@code −log σ(β(s(a)/L_c − s(b)/L_r))}. */
  record SigmoidNorm() implements DpoLossType {
    @Override public NDArray losses(DpoTerms t, double beta) {
      NDArray[] len = t.lengths("sigmoid_norm");
      NDArray z = t.chosenScore().div(len[0]).sub(t.rejectedScore().div(len[1])).mul((float) beta);
      return Sigmoids.logSigmoid(z).neg();
    }

    @Override public String trlName() {
      return "sigmoid_norm";
    }
  }

  /**
   * EXO-pref (Ji et al. 2024, eq. 16): the reverse KL from the model's pair distribution to labels smoothed by ε,
   * {@code σ(z)(log σ(z) − log(1−ε)) + σ(−z)(log σ(−z) − log ε)}, {@code z = βΔ}.
   */
  record ExoPair(double labelSmoothing) implements DpoLossType {
    public ExoPair {
      checkArgument(labelSmoothing > 0 && labelSmoothing < 1,
          "exo_pair needs labelSmoothing in (0, 1) (TRL uses 1e-3 for 0), got %s", labelSmoothing);
    }

    @Override public NDArray losses(DpoTerms t, double beta) {
      NDArray z = mul(t.delta(), beta);
      NDArray win = Sigmoids.sigmoid(z).mul(Sigmoids.logSigmoid(z).sub((float) Math.log1p(-labelSmoothing)));
      NDArray lose = Sigmoids.sigmoid(z.neg()).mul(Sigmoids.logSigmoid(z.neg()).sub((float) Math.log(labelSmoothing)));
      return win.add(lose);
    }

    @Override public String trlName() {
      return "exo_pair";
    }
  }

  /**
   * NCA (Chen et al. 2024, eq. 9): {@code −log σ(βs(a)) − ½ log σ(−βs(a)) − ½ log σ(−βs(b))}.
   */
  record NcaPair() implements DpoLossType {
    @Override public NDArray losses(DpoTerms t, double beta) {
      NDArray c = mul(t.chosenScore(), beta);
      NDArray r = mul(t.rejectedScore(), beta);
      return Sigmoids.logSigmoid(c).neg()
          .sub(mul(Sigmoids.logSigmoid(c.neg()), 0.5))
          .sub(mul(Sigmoids.logSigmoid(r.neg()), 0.5));
    }

    @Override public String trlName() {
      return "nca_pair";
    }
  }

  /**
   * Robust DPO (Chowdhury et al. 2024, eq. 8), unbiased under label flips with rate ε:
   * {@code ((1−ε)(−log σ(βΔ)) + ε log σ(−βΔ)) / (1 − 2ε)}.
   */
  record Robust(double labelSmoothing) implements DpoLossType {
    public Robust {
      checkArgument(labelSmoothing >= 0 && labelSmoothing < 0.5,
          "robust needs labelSmoothing (the flip rate) in [0, 0.5), got %s", labelSmoothing);
    }

    @Override public NDArray losses(DpoTerms t, double beta) {
      NDArray z = mul(t.delta(), beta);
      NDArray clean = mul(Sigmoids.logSigmoid(z), -(1 - labelSmoothing));
      NDArray flipped = mul(Sigmoids.logSigmoid(z.neg()), labelSmoothing);
      return div(clean.add(flipped), 1 - 2 * labelSmoothing);
    }

    @Override public String trlName() {
      return "robust";
    }
  }

  /** BCO on pairs (Jung et al. 2024): {@code −log σ(βs(a)) − log σ(−βs(b))}. */
  record BcoPair() implements DpoLossType {
    @Override public NDArray losses(DpoTerms t, double beta) {
      return Sigmoids.logSigmoid(mul(t.chosenScore(), beta)).neg()
          .sub(Sigmoids.logSigmoid(mul(t.rejectedScore(), -beta)));
    }

    @Override public String trlName() {
      return "bco_pair";
    }
  }

  /** SPPO with hard labels (Wu et al. 2024, eq. 4.7): {@code (s(a) − 1/(2β))² + (s(b) + 1/(2β))²}. */
  record SppoHard() implements DpoLossType {
    @Override public NDArray losses(DpoTerms t, double beta) {
      float half = (float) (0.5 / beta);
      return t.chosenScore().sub(half).square().add(t.rejectedScore().add(half).square());
    }

    @Override public String trlName() {
      return "sppo_hard";
    }
  }

  /**
   * AOT, paired (Melnyk et al. 2024): distributional alignment through sorted quantiles,
   * {@code d = sort(pc − pr) − sort(rc − rr)}, loss {@code −(1−ε) log σ(βd) − ε log σ(−βd)}; the i-th loss belongs to
   * the i-th sorted difference.
   */
  record Aot(double labelSmoothing) implements DpoLossType {
    public Aot {
      checkArgument(labelSmoothing >= 0 && labelSmoothing <= 1, "labelSmoothing must be in [0, 1], got %s",
          labelSmoothing);
    }

    @Override public NDArray losses(DpoTerms t, double beta) {
      DpoBatch in = t.batch();
      NDArray policy = in.policyChosen().sub(in.policyRejected()).sort(0);
      NDArray ref = in.refChosen().sub(in.refRejected()).stopGradient().sort(0);
      return smoothedLogistic(policy.sub(ref), beta, labelSmoothing);
    }

    @Override public String trlName() {
      return "aot";
    }
  }

  /** AOT, unpaired (Melnyk et al. 2024): {@code d = sort(a) − sort(b)}, same loss as {@link Aot}. */
  record AotUnpaired(double labelSmoothing) implements DpoLossType {
    public AotUnpaired {
      checkArgument(labelSmoothing >= 0 && labelSmoothing <= 1, "labelSmoothing must be in [0, 1], got %s",
          labelSmoothing);
    }

    @Override public NDArray losses(DpoTerms t, double beta) {
      NDArray d = t.chosenLogRatio().sort(0).sub(t.rejectedLogRatio().sort(0));
      return smoothedLogistic(d, beta, labelSmoothing);
    }

    @Override public String trlName() {
      return "aot_unpaired";
    }
  }

  /** APO-zero (D'Oosterlinck et al. 2024, eq. 7): {@code 1 − σ(βa) + σ(βb)}; use when chosen beats the model. */
  record ApoZero() implements DpoLossType {
    @Override public NDArray losses(DpoTerms t, double beta) {
      return Sigmoids.sigmoid(mul(t.chosenLogRatio(), beta)).neg().add(1f)
          .add(Sigmoids.sigmoid(mul(t.rejectedLogRatio(), beta)));
    }

    @Override public String trlName() {
      return "apo_zero";
    }
  }

  /** APO-down (D'Oosterlinck et al. 2024, eq. 8): {@code σ(βa) + 1 − σ(βΔ)}; use when chosen is worse than the model. */
  record ApoDown() implements DpoLossType {
    @Override public NDArray losses(DpoTerms t, double beta) {
      return Sigmoids.sigmoid(mul(t.chosenLogRatio(), beta)).add(1f)
          .sub(Sigmoids.sigmoid(mul(t.delta(), beta)));
    }

    @Override public String trlName() {
      return "apo_down";
    }
  }

  /**
   * DiscoPOP (Chris Lu et al. 2024, eq. 5): {@code z = βΔ}, {@code w = σ(z/τ)},
   * {@code −log σ(z)·(1 − w) + e^{−z}·w}.
   */
  record DiscoPop(double tau) implements DpoLossType {
    public DiscoPop {
      checkArgument(tau > 0 && Double.isFinite(tau), "discopop tau must be finite and > 0, got %s", tau);
    }

    @Override public NDArray losses(DpoTerms t, double beta) {
      NDArray z = mul(t.delta(), beta);
      NDArray w = Sigmoids.sigmoid(div(z, tau));
      return Sigmoids.logSigmoid(z).neg().mul(w.neg().add(1f)).add(z.neg().exp().mul(w));
    }

    @Override public String trlName() {
      return "discopop";
    }
  }

  private static NDArray smoothedLogistic(NDArray d, double beta, double eps) {
    NDArray z = mul(d, beta);
    return mul(Sigmoids.logSigmoid(z), -(1 - eps)).sub(mul(Sigmoids.logSigmoid(z.neg()), eps));
  }
}
