package dev.align4j.core.loop;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.align4j.api.data.Message;
import dev.align4j.api.data.PreferencePair;
import dev.align4j.api.data.Text;
import java.util.List;
import java.util.OptionalDouble;

/**
 * One label the loop bought: the probability that the pair's first completion is the better one (1 or 0 for a hard
 * label, in between for a soft one).
 *
 * @param id the candidate pair's id
 * @param pFirst in [0, 1]
 */
public record LoopLabel(String id, double pFirst) {
  public LoopLabel {
    checkNotNull(id, "id");
    checkArgument(pFirst >= 0 && pFirst <= 1, "label of pair %s: p (first completion better) must be in [0, 1], got"
        + " %s", id, pFirst);
  }

  /**
   * The preference pair a reward model trains on: the likelier side chosen, {@code p_chosen} its probability
   * (a hard label is p = 1). A chat prompt's completions become assistant turns, as TRL's conversational pairs.
   */
  public PreferencePair toPair(Candidate c) {
    checkArgument(c.id().equals(id), "label %s applied to candidate %s", id, c.id());
    boolean first = pFirst >= 0.5;
    Text chosen = completion(c.prompt(), first ? c.first() : c.second());
    Text rejected = completion(c.prompt(), first ? c.second() : c.first());
    return new PreferencePair(c.prompt(), chosen, rejected, OptionalDouble.empty(),
        OptionalDouble.of(first ? pFirst : 1 - pFirst));
  }

  private static Text completion(Text prompt, String s) {
    return prompt instanceof Text.Chat ? new Text.Chat(List.of(new Message("assistant", s))) : Text.plain(s);
  }
}
