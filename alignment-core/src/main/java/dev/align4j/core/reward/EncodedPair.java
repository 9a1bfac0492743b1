package dev.align4j.core.reward;

import dev.align4j.api.data.TokenizedSequence;
import java.util.OptionalDouble;

/**
 * A preference pair as token sequences: prompt + chosen and prompt + rejected, each with its response marked.
 *
 * @param chosen prompt and chosen response
 * @param rejected prompt and rejected response
 * @param margin the data's margin, if any
 * @param pChosen the data's soft label P(chosen ≻ rejected), if any
 */
public record EncodedPair(TokenizedSequence chosen, TokenizedSequence rejected, OptionalDouble margin,
    OptionalDouble pChosen) {
  /** The soft label, 1 (chosen always wins) for a pair without one. */
  double pChosenOrOne() {
    return pChosen.orElse(1.0);
  }
}
