package dev.align4j.examples.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.api.data.TokenBatch;
import dev.align4j.api.objective.Scalars;
import dev.align4j.core.model.BuiltinModels;
import dev.align4j.core.model.HeadKind;
import dev.align4j.core.model.LanguageModel;
import dev.align4j.core.model.TransformerModel;
import dev.align4j.core.model.WeightSource;
import dev.align4j.core.train.internal.AdamW;
import dev.align4j.core.train.internal.GradientStep;
import dev.align4j.core.train.internal.LossAndMetrics;
import dev.align4j.core.train.LrSchedule;
import dev.align4j.core.train.internal.MicroBatch;
import dev.align4j.core.train.OptimizerConfig;
import dev.align4j.core.train.internal.ProcessMemory;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code align train-speed}: trains the built-in configuration on random tokens and prints its own timing as one JSON
 * object (steps/s, tokens/s, resident memory at a checkpoint step and at the end).
 */
@Command(name = "train-speed", mixinStandardHelpOptions = true,
    description = "Measure training throughput and memory of the built-in model (random data; one JSON object).")
final class TrainSpeedCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(TrainSpeedCommand.class);

  @Option(names = "--steps", defaultValue = "300", description = "Optimizer steps (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--batch-size", defaultValue = "8", description = "Sequences per step (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--seq-len", defaultValue = "64", description = "Tokens per sequence (default: ${DEFAULT-VALUE}).")
  int seqLen;

  @Option(names = "--vocab", defaultValue = "48", description = "Vocabulary size (default: ${DEFAULT-VALUE}, a "
      + "character vocabulary).")
  int vocab;

  @Option(names = "--warmup", defaultValue = "20", description = "Steps excluded from the timing "
      + "(default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--memory-at", defaultValue = "200", description = "Step at which resident memory is recorded "
      + "for comparison with the end (default: ${DEFAULT-VALUE}).")
  int memoryAt;

  @Option(names = "--seed", defaultValue = "1", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws Exception {
    var config = BuiltinModels.tiny(vocab, seqLen, 1, 2);
    try (LanguageModel lm = new LanguageModel(TransformerModel.create(config, HeadKind.LANGUAGE_MODEL,
        WeightSource.random(seed)), 0, Set.of(2));
        AdamW opt = new AdamW(lm.model().parameters(), OptimizerConfig.of(3e-3, steps)
            .with(new LrSchedule.Cosine(Math.min(50, steps), steps, 0.1)), lm.model().manager())) {
      lm.model().setTrainable(true);
      GradientStep stepper = new GradientStep(opt, lm.model().manager());
      Random rnd = new Random(seed);
      long start = 0;
      long rssAt = -1;
      long peakAt = -1;
      double loss = 0;
      for (int s = 1; s <= steps; s++) {
        if (s == warmup + 1) {
          start = System.nanoTime();
        }
        int[][] rows = new int[batchSize][seqLen];
        for (int[] r : rows) {
          r[0] = 1;
          for (int j = 1; j < seqLen; j++) {
            r[j] = 4 + rnd.nextInt(vocab - 4);
          }
        }
        loss = stepper.run(s, List.of(nll(lm, rows))).loss();
        if (s == memoryAt) {
          rssAt = ProcessMemory.residentBytes();
          peakAt = ProcessMemory.peakResidentBytes();
        }
        if (s % 100 == 0) {
          LOG.info("step {}/{} loss {}", s, steps, String.format("%.4f", loss));
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      int timed = steps - warmup;
      ObjectNode out = JsonOut.object();
      out.put("parameters", lm.model().parameterCount());
      out.put("batch_size", batchSize);
      out.put("seq_len", seqLen);
      out.put("steps", steps);
      out.put("timed_steps", timed);
      out.put("steps_per_second", timed / seconds);
      out.put("tokens_per_second", timed * (double) batchSize * seqLen / seconds);
      out.put("final_loss", loss);
      out.put("memory_at_step", memoryAt);
      out.put("rss_mb_at_step", rssAt / 1048576.0);
      out.put("peak_rss_mb_at_step", peakAt / 1048576.0);
      out.put("rss_mb_at_end", ProcessMemory.residentBytes() / 1048576.0);
      out.put("peak_rss_mb_at_end", ProcessMemory.peakResidentBytes() / 1048576.0);
      out.put("threads", Runtime.getRuntime().availableProcessors());
      JsonOut.print(out);
      return 0;
    }
  }

  private static MicroBatch nll(LanguageModel lm, int[][] rows) {
    double tokens = rows.length * (rows[0].length - 1.0);
    return new MicroBatch() {
      @Override public double weight() {
        return tokens;
      }

      @Override public LossAndMetrics compute(NDManager m) {
        NDArray lp = lm.score(m, new TokenBatch(rows, TokenBatch.Padding.RIGHT), 1.0, false).logprobs();
        return new LossAndMetrics(Scalars.div(lp.sum().neg(), tokens), Map.of());
      }
    };
  }
}
