package dev.align4j.core.train.internal;

import dev.align4j.core.train.TrainingArgs;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Which examples step {@code s} uses: epoch {@code e} visits the examples in an order fixed by {@code seed + e}; each
 * step takes the next {@code batch × accumulation} of them, wrapping inside the epoch for its last step. A pure
 * function of the step, so a resumed run sees exactly the data an uninterrupted one would.
 */
public final class BatchOrder {
  private final int examples;
  private final int perMicroBatch;
  private final int accumulation;
  private final long stepsPerEpoch;
  private final long seed;

  public BatchOrder(int examples, TrainingArgs args) {
    this.examples = examples;
    this.perMicroBatch = args.batchSize();
    this.accumulation = args.gradientAccumulationSteps();
    this.stepsPerEpoch = args.stepsPerEpoch(examples);
    this.seed = args.seed();
  }

  /** The example indices of each micro-batch of step {@code step} (1-based). */
  public List<int[]> microBatches(long step) {
    long epoch = (step - 1) / stepsPerEpoch;
    long within = (step - 1) % stepsPerEpoch;
    List<Integer> order = new ArrayList<>(examples);
    for (int i = 0; i < examples; i++) {
      order.add(i);
    }
    Collections.shuffle(order, new Random(seed * 1_000_003L + epoch));
    List<int[]> out = new ArrayList<>(accumulation);
    long start = within * perMicroBatch * accumulation;
    for (int a = 0; a < accumulation; a++) {
      int[] mb = new int[perMicroBatch];
      for (int i = 0; i < perMicroBatch; i++) {
        mb[i] = order.get((int) ((start + (long) a * perMicroBatch + i) % examples));
      }
      out.add(mb);
    }
    return out;
  }
}
