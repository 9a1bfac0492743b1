package dev.align4j.core.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.align4j.api.data.Text;
import dev.align4j.api.judge.CandidatePair;
import org.junit.jupiter.api.Test;

/** A candidate's validation, immutability and the three numbers acquisition reads from it. */
class CandidateTest {
  private static Candidate of(double... margins) {
    return new Candidate("c1", Text.plain("p"), "a", "b", margins);
  }

  @Test
  void meanProbabilityAndVarianceByHand() {
    Candidate c = of(1, 3);
    assertEquals(2, c.meanMargin());
    assertEquals(1 / (1 + Math.exp(-2)), c.preferenceProbability(), 1e-15);
    assertEquals(1, c.marginVariance(), "population variance: ((1-2)² + (3-2)²) / 2");
    assertEquals(0.5, of(0).preferenceProbability(), "no margin, a coin flip");
    assertEquals(0, of(4.5).marginVariance(), "one member cannot disagree with itself");
    assertEquals(14.0 / 3, of(-1, 0, 4).marginVariance(), 1e-12, "mean 1: (4 + 1 + 9) / 3");
    assertEquals(1 - of(2).preferenceProbability(), of(-2).preferenceProbability(), 1e-15, "swapping the sides");
  }

  @Test
  void marginsAreCopiedInAndOut() {
    double[] m = {1, 2};
    Candidate c = of(m);
    m[0] = 99;
    assertArrayEquals(new double[] {1, 2}, c.margins(), "the caller's array is not kept");
    c.margins()[1] = 99;
    assertArrayEquals(new double[] {1, 2}, c.margins(), "the returned array is a copy");
    assertEquals(of(1, 2), c, "equal by value, margins included");
    assertEquals(of(1, 2).hashCode(), c.hashCode());
    assertNotEquals(of(1, 2.5), c);
  }

  @Test
  void invalidFieldsAreRefusedNamingTheCandidate() {
    assertEquals("candidate id must not be blank", assertThrows(IllegalArgumentException.class,
        () -> new Candidate(" ", Text.plain("p"), "a", "b", new double[] {1})).getMessage());
    assertEquals("candidate c1 has no margins (need one per ensemble member, at least one)",
        assertThrows(IllegalArgumentException.class, () -> of()).getMessage());
    assertEquals("candidate c1: margin of member 1 must be finite, got NaN",
        assertThrows(IllegalArgumentException.class, () -> of(0, Double.NaN)).getMessage());
    assertEquals("candidate c1: margin of member 0 must be finite, got Infinity",
        assertThrows(IllegalArgumentException.class, () -> of(Double.POSITIVE_INFINITY)).getMessage());
    assertEquals("second completion of candidate c1", assertThrows(NullPointerException.class,
        () -> new Candidate("c1", Text.plain("p"), "a", null, new double[] {1})).getMessage());
  }

  @Test
  void aCandidateCarriesItsPair() {
    CandidatePair p = new CandidatePair("7", Text.plain("q"), "x", "y");
    Candidate c = Candidate.of(p, new double[] {0.5});
    assertEquals(p, c.pair());
    assertEquals(1, c.members());
  }
}
