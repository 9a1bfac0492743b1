package dev.align4j.core.loop;

import static com.google.common.base.Preconditions.checkNotNull;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** How a run of the {@link AlignmentLoop} ended. */
public sealed interface LoopOutcome {
  /**
   * Every iteration finished.
   *
   * @param policy the final policy's folder; empty when the regression guard kept the SFT model throughout
   * @param rewardModel the last refreshed reward-model members' folder ({@code member-0}, …)
   * @param metrics one map per iteration, as in {@code OUT/loop_metrics.jsonl}
   */
  record Finished(Optional<Path> policy, Path rewardModel, List<Map<String, Object>> metrics)
      implements LoopOutcome {
    public Finished {
      checkNotNull(policy, "policy");
      checkNotNull(rewardModel, "rewardModel");
      metrics = List.copyOf(metrics);
    }
  }

  /**
   * The loop stopped for people to label; rerun it with the same arguments once {@code labels} is written.
   *
   * @param iteration the iteration waiting, 1-based
   * @param toLabel the pairs to label
   * @param labels the file to write
   * @param pairs how many pairs wait
   */
  record LabelsNeeded(int iteration, Path toLabel, Path labels, int pairs) implements LoopOutcome {
    public LabelsNeeded {
      checkNotNull(toLabel, "toLabel");
      checkNotNull(labels, "labels");
    }
  }
}
