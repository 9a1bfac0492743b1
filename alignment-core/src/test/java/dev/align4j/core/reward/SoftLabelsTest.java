package dev.align4j.core.reward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.align4j.api.data.PreferencePair;
import dev.align4j.core.runtime.DjlSetup;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** Soft labels in the reward model's configuration, objective and log lines. */
class SoftLabelsTest {

  @Test
  void hardLabelsAreTheDefaultAndTheConfigRecordsTheChoice() {
    RewardConfig plain = RewardConfig.builder().build();
    assertEquals(LabelMode.HARD, plain.labelMode());
    assertEquals(false, plain.toMap().get("soft-labels"), "config.json says soft-labels false by default");
    RewardConfig soft = RewardConfig.builder().labelMode(LabelMode.SOFT).build();
    assertEquals(true, soft.toMap().get("soft-labels"));
    assertEquals(LabelMode.SOFT, soft.toBuilder().build().labelMode(), "toBuilder keeps the label mode");
    assertEquals(LabelMode.SOFT, soft.objective().labelMode(), "the built-in objective trains on soft labels");
  }

  @Test
  void softLabelsAndGivenMarginsAreRefusedNamingBoth() {
    IllegalArgumentException config = assertThrows(IllegalArgumentException.class, () -> RewardConfig.builder()
        .labelMode(LabelMode.SOFT).marginMode(MarginMode.GIVEN).build());
    assertTrue(config.getMessage().contains("soft-labels cannot be combined with margin 'given'"),
        config.getMessage());
    assertTrue(config.getMessage().contains("train with margin none, or without soft labels"), "the remedy");
    IllegalArgumentException objective = assertThrows(IllegalArgumentException.class,
        () -> new BradleyTerryObjective(MarginMode.GIVEN, LabelMode.SOFT, OptionalDouble.empty()));
    assertTrue(objective.getMessage().contains("labelMode SOFT cannot be combined with marginMode GIVEN"),
        objective.getMessage());
  }

  @Test
  void aSoftObjectiveOnABatchWithoutLabelsSaysSo() {
    try (NDManager m = DjlSetup.newManager()) {
      RewardPairBatch batch = new RewardPairBatch(m.create(new float[] {1f}), m.create(new float[] {0f}),
          Optional.empty());
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> BradleyTerryObjective.soft().compute(batch));
      assertTrue(e.getMessage().contains("labelMode SOFT needs per-pair soft labels pChosen"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> new RewardPairBatch(m.create(new float[] {1f, 2f}),
          m.create(new float[] {0f, 0f}), Optional.empty(), Optional.of(m.create(new float[] {1f}))),
          "labels of another shape than the rewards");
    }
  }

  /**
   * The double-precision loss used for {@code eval/soft_loss} is the objective's formula: hand values
   * ({@code −log σ(0) = ln 2}; {@code p = 1} is {@code log(1 + e^{−d})}) and agreement with the float32 objective.
   */
  @Test
  void theEvaluationLossIsTheTrainingFormula() {
    assertEquals(Math.log(2), BradleyTerryObjective.softLoss(0, 0.3), 1e-15);
    assertEquals(Math.log1p(Math.exp(-1.5)), BradleyTerryObjective.softLoss(1.5, 1), 1e-15);
    assertEquals(Math.log1p(Math.exp(-1.5)), BradleyTerryObjective.softLoss(-1.5, 0), 1e-15, "p = 0 swaps the sides");
    assertEquals(100, BradleyTerryObjective.softLoss(-100, 1), 1e-12, "no overflow far out");
    float[] c = {0.5f, -2f, 3f};
    float[] r = {1f, 1f, -1f};
    float[] p = {0.9f, 0.2f, 0.6f};
    double expected = 0;
    for (int i = 0; i < 3; i++) {
      expected += BradleyTerryObjective.softLoss((double) c[i] - r[i], p[i]) / 3;
    }
    try (NDManager m = DjlSetup.newManager()) {
      double got = BradleyTerryObjective.soft().compute(new RewardPairBatch(m.create(c), m.create(r),
          Optional.empty(), Optional.of(m.create(p)))).lossValue();
      assertEquals(expected, got, 1e-6);
    }
  }

  private static List<PreferencePair> pairs(int hard, double... soft) {
    List<PreferencePair> out = new ArrayList<>();
    for (int i = 0; i < hard; i++) {
      out.add(PreferencePair.plain("q" + i, "a", "b"));
    }
    for (int i = 0; i < soft.length; i++) {
      out.add(PreferencePair.plain("s" + i, "a", "b").withPChosen(soft[i]));
    }
    return out;
  }

  @Test
  void softLabelTrainingCountsThePairsThatCountAsOne() {
    LabelUse use = LabelUse.of(pairs(3, 0.6, 0.8));
    assertEquals(List.of("soft labels: 2 of 5 pairs carry p_chosen (mean 0.700); the other 3 count as p = 1 "
        + "(chosen always wins)"), use.info(LabelMode.SOFT));
    assertEquals(List.of(), use.warnings(LabelMode.SOFT, MarginMode.NONE));
    assertEquals(List.of(), use.info(LabelMode.HARD), "nothing to say at info level under hard labels");
    assertEquals(List.of("soft labels: all 2 pairs carry p_chosen (mean 0.400)"),
        LabelUse.of(pairs(0, 0.3, 0.5)).info(LabelMode.SOFT));
  }

  @Test
  void softLabelsThatHardLabelsIgnoreAreWarnedAboutWithTheirCount() {
    List<String> w = LabelUse.of(pairs(1, 0.9, 0.7, 0.5)).warnings(LabelMode.HARD, MarginMode.NONE);
    assertEquals(1, w.size(), w.toString());
    assertTrue(w.get(0).startsWith("3 of 4 pairs carry p_chosen (mean 0.700), which hard labels ignore"), w.get(0));
    assertTrue(w.get(0).contains("align rm --soft-labels"), "the remedy");
  }

  @Test
  void softLabelsOnDataWithoutAnyAndIgnoredMarginsAreWarnedAbout() {
    List<PreferencePair> data = new ArrayList<>(pairs(2));
    data.add(new PreferencePair(data.get(0).prompt(), data.get(0).chosen(), data.get(0).rejected(),
        OptionalDouble.of(1.5)));
    List<String> w = LabelUse.of(data).warnings(LabelMode.SOFT, MarginMode.NONE);
    assertEquals(List.of("soft labels were asked for but none of the 3 pairs carries p_chosen: every pair counts as "
        + "p = 1, which is training on hard labels", "1 of 3 pairs carry a margin, which margin mode 'none' ignores "
        + "(margins cannot be combined with soft labels)"), w);
    assertEquals(List.of(), LabelUse.of(data).warnings(LabelMode.HARD, MarginMode.GIVEN),
        "margins used: nothing to say");
  }
}
