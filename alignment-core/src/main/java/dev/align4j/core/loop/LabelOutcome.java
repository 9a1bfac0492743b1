package dev.align4j.core.loop;

import static com.google.common.base.Preconditions.checkNotNull;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** What a {@link LoopLabeller} returned for one iteration's selected pairs. */
public sealed interface LabelOutcome {
  /**
   * Labels, with the pairs that got none counted by reason (a tie, an invalid or failed judge call); nothing is turned
   * into a side.
   *
   * @param labels one per labelled pair, in the selection's order
   * @param dropped pairs without a label, by reason
   */
  record Labelled(List<LoopLabel> labels, Map<String, Integer> dropped) implements LabelOutcome {
    public Labelled {
      labels = List.copyOf(labels);
      dropped = Map.copyOf(dropped);
    }
  }

  /**
   * People must label first: the pairs are in {@code toLabel}, the answers go to {@code labels}, then the loop is run
   * again with the same arguments.
   *
   * @param toLabel the file of pairs, {@code {"id", "prompt", "completions": [a, b]}} per line
   * @param labels the file to write, {@code {"id", "label": 0|1}} or {@code {"id", "p": x}} per line
   * @param pairs how many lines {@code toLabel} has
   */
  record Needed(Path toLabel, Path labels, int pairs) implements LabelOutcome {
    public Needed {
      checkNotNull(toLabel, "toLabel");
      checkNotNull(labels, "labels");
    }
  }
}
