package dev.align4j.core.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.align4j.api.data.PreferencePair;
import dev.align4j.core.reward.RewardConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** The ensemble trainer's bootstrap resamples and argument checks (training itself: the integration test). */
class EnsembleTrainerTest {
  private static final RewardConfig CONFIG = RewardConfig.builder().build();

  private static List<PreferencePair> pairs(int n) {
    List<PreferencePair> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(PreferencePair.plain("q" + i, "good" + i, "bad" + i));
    }
    return out;
  }

  @Property(tries = 100)
  void eachMemberDrawsAResampleOfTheSameSizeFromTheLabels(@ForAll @IntRange(min = 1, max = 200) int n,
      @ForAll @IntRange(min = 2, max = 5) int k, @ForAll long seed) {
    List<PreferencePair> train = pairs(n);
    Set<PreferencePair> labels = Collections.newSetFromMap(new IdentityHashMap<>());
    labels.addAll(train);
    EnsembleTrainer t = EnsembleTrainer.of(CONFIG, k, seed);
    for (int i = 0; i < k; i++) {
      List<PreferencePair> sample = t.trainingPairs(train, i);
      assertEquals(n, sample.size(), "member " + i + ": same size as the labels");
      assertTrue(sample.stream().allMatch(labels::contains), "member " + i + ": drawn from the labels");
      assertEquals(sample, t.trainingPairs(train, i), "member " + i + ": reproducible");
      assertEquals(sample, EnsembleTrainer.of(CONFIG, k + 1, seed).trainingPairs(train, i),
          "member i's draw depends only on seed + i");
    }
  }

  /** With replacement: about 1 − 1/e ≈ 63 % of the labels appear in a resample, and members differ. */
  @Example
  void resamplesRepeatSomeLabelsAndMembersDrawDifferently() {
    List<PreferencePair> train = pairs(1000);
    EnsembleTrainer t = EnsembleTrainer.of(CONFIG, 3, 11);
    for (int i = 0; i < 3; i++) {
      Set<PreferencePair> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
      distinct.addAll(t.trainingPairs(train, i));
      assertEquals(632, distinct.size(), 45, "member " + i + ": distinct labels in its resample");
    }
    assertNotEquals(t.trainingPairs(train, 0), t.trainingPairs(train, 1));
  }

  @Example
  void oneMemberTrainsOnTheLabelsThemselves() {
    List<PreferencePair> train = pairs(50);
    assertEquals(train, EnsembleTrainer.of(CONFIG, 1, 3).trainingPairs(train, 0), "no resampling for K = 1");
  }

  @Example
  void invalidArgumentsAreRefusedWithTheirValue() {
    assertEquals("members must be >= 1 (1 is the plain reward model), got 0", assertThrows(
        IllegalArgumentException.class, () -> EnsembleTrainer.of(CONFIG, 0, 1)).getMessage());
    EnsembleTrainer t = EnsembleTrainer.of(CONFIG, 2, 1);
    assertEquals("member must be in [0, 2), got 2", assertThrows(IllegalArgumentException.class,
        () -> t.trainingPairs(pairs(3), 2)).getMessage());
    assertEquals("the ensemble needs training pairs, got none", assertThrows(IllegalArgumentException.class,
        () -> t.trainingPairs(List.of(), 0)).getMessage());
  }

  @Example
  void anEnsembleNeedsMembersAndAnAggregate() {
    assertEquals("an ensemble needs at least one member, got none", assertThrows(IllegalArgumentException.class,
        () -> RewardEnsemble.of(List.of(), new Conservative.Mean())).getMessage());
    assertThrows(NullPointerException.class, () -> RewardEnsemble.of(List.of(), null));
  }
}
