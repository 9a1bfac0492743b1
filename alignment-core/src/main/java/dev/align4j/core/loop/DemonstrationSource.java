package dev.align4j.core.loop;

import static com.google.common.base.Preconditions.checkArgument;

import dev.align4j.api.data.Demonstration;
import java.io.IOException;
import java.util.List;

/**
 * Where the loop's SFT refreshes get their demonstrations ({@link LoopConfig#sftEvery}): fresh ones written since the
 * last refresh, by annotators or from production. A user hook; {@link #slices} serves a file's worth in order.
 */
@FunctionalInterface
public interface DemonstrationSource {
  /**
   * The demonstrations of one refresh.
   *
   * @param refresh the refresh, 1-based (the first is after iteration M)
   * @return at least one demonstration
   * @throws IOException when the source cannot be read
   */
  List<Demonstration> next(int refresh) throws IOException;

  /**
   * Consecutive disjoint slices of {@code perRefresh} demonstrations: refresh j gets {@code (j−1)·perRefresh …
   * j·perRefresh − 1}.
   *
   * @param pool every demonstration, in order; copied
   * @param perRefresh demonstrations per refresh, at least 1
   * @return a source that fails, naming how many the run needs, once the pool runs out
   */
  static DemonstrationSource slices(List<Demonstration> pool, int perRefresh) {
    checkArgument(perRefresh >= 1, "demonstrations per SFT refresh must be >= 1, got %s", perRefresh);
    List<Demonstration> all = List.copyOf(pool);
    return refresh -> {
      long end = (long) refresh * perRefresh;
      checkArgument(end <= all.size(), "the demonstration pool has %s examples but SFT refresh %s of %s needs %s"
          + " (disjoint slices); give more demonstrations or fewer per refresh", all.size(), refresh, perRefresh,
          end);
      return all.subList((int) (end - perRefresh), (int) end);
    };
  }
}
