package dev.align4j.core.data;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.align4j.api.judge.CandidatePair;
import java.util.OptionalInt;

/**
 * A pair to label and, where the input carries one, its reference label.
 *
 * @param pair the pair
 * @param reference index of the better completion (0 or 1), for agreement diagnostics
 */
public record LabelRequest(CandidatePair pair, OptionalInt reference) {
  public LabelRequest {
    checkNotNull(pair, "pair");
    checkNotNull(reference, "reference");
    reference.ifPresent(r -> checkArgument(r == 0 || r == 1, "label of pair %s must be 0 or 1, got %s", pair.id(),
        r));
  }
}
