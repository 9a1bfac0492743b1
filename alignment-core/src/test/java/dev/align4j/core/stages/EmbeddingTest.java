package dev.align4j.core.stages;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import dev.align4j.api.data.Demonstration;
import dev.align4j.api.train.CancellationToken;
import dev.align4j.api.train.StepMetrics;
import dev.align4j.api.train.TrainingCancelledException;
import dev.align4j.api.train.TrainingListener;
import dev.align4j.core.AlignModel;
import dev.align4j.core.AlignRewardModel;
import dev.align4j.core.grpo.GrpoConfig;
import dev.align4j.core.grpo.GrpoTrainer;
import dev.align4j.core.reward.RewardConfig;
import dev.align4j.core.reward.RewardTrainer;
import dev.align4j.core.rl.BuiltinRewards;
import dev.align4j.core.sft.SftConfig;
import dev.align4j.core.sft.SftTrainer;
import dev.align4j.core.train.TrainingResult;
import dev.align4j.core.train.internal.ProcessMemory;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How align4j behaves inside a host application: listeners hear steps, evaluations and checkpoints; a cancellation
 * token or an interrupt stops a run between steps, leaving a checkpoint the same call resumes from; nothing is
 * written to stdout; twenty trainers in one JVM leave memory flat.
 */
@Tag("integration")
class EmbeddingTest {
  private static final List<Demonstration> TRAIN = AnimalWorld.demonstrations(64, 5, AnimalWorld.Split.TRAIN);
  private static final List<Demonstration> HELD_OUT = AnimalWorld.demonstrations(16, 6, AnimalWorld.Split.HELD_OUT);

  private static SftConfig config(long steps, int saveEvery) {
    return SftConfig.builder().learningRate(3e-3).maxSteps(steps).batchSize(16).seed(7).maxLength(64).logEvery(2)
        .evalEvery(4).saveEvery(saveEvery).keepCheckpoints(2).threads(1).build();
  }

  @Test
  void listenersHearStepsEvaluationsAndCheckpoints(@TempDir Path dir) throws Exception {
    List<Long> steps = new ArrayList<>();
    List<Long> evaluations = new ArrayList<>();
    List<Path> checkpoints = new ArrayList<>();
    int[] ends = {0};
    TrainingListener l = new TrainingListener() {
      @Override public void onStep(StepMetrics m) {
        steps.add(m.step());
      }

      @Override public void onEvaluation(StepMetrics m) {
        assertTrue(m.values().keySet().stream().allMatch(k -> k.startsWith("eval/")), m.values().toString());
        evaluations.add(m.step());
      }

      @Override public void onCheckpoint(long step, Path path) {
        checkpoints.add(path);
      }

      @Override public void onEnd() {
        ends[0]++;
      }
    };
    try (AlignModel base = AlignModel.load(AnimalWorld.tinyLlama());
        TrainingResult<AlignModel> r = SftTrainer.of(config(8, 4)).listener(l).runFolder(dir.resolve("run"))
            .train(base, TRAIN, HELD_OUT)) {
      assertEquals(List.of(0L, 2L, 4L, 6L, 8L), steps, "step 0 (the evaluation before training), then every 2");
      assertEquals(List.of(0L, 4L, 8L), evaluations);
      assertEquals(List.of(dir.resolve("run/checkpoints/step-4").toAbsolutePath(),
          dir.resolve("run/checkpoints/step-8").toAbsolutePath()), checkpoints);
      assertEquals(1, ends[0]);
      assertEquals(5, r.history().size());
    }
  }

  /** A cancelled run stops after its current step with a checkpoint; the same call then finishes bitwise as if whole. */
  @Test
  void aCancelledRunCheckpointsAndTheSameCallResumes(@TempDir Path dir) throws Exception {
    try (AlignModel base = AlignModel.load(AnimalWorld.tinyLlama());
        AlignModel whole = SftTrainer.of(config(12, 0)).train(base, TRAIN).model()) {
      CancellationToken token = new CancellationToken();
      TrainingListener cancelAtFive = new TrainingListener() {
        @Override public void onStep(StepMetrics m) {
          if (m.step() >= 5) {
            token.cancel();
          }
        }
      };
      SftTrainer trainer = SftTrainer.of(config(12, 0)).runFolder(dir.resolve("run"));
      TrainingCancelledException e = assertThrows(TrainingCancelledException.class,
          () -> trainer.listener(cancelAtFive).cancellation(token).train(base, TRAIN));
      assertEquals(6, e.step(), "the token is seen after the step whose metrics cancelled it");
      assertTrue(Files.isDirectory(e.checkpoint().orElseThrow()), "a checkpoint of step 6: " + e.checkpoint());
      try (AlignModel resumed = trainer.train(base, TRAIN).model()) {
        Map<String, NDArray> a = whole.parameters();
        Map<String, NDArray> b = resumed.parameters();
        for (String name : a.keySet()) {
          assertArrayEquals(a.get(name).toFloatArray(), b.get(name).toFloatArray(), 0f, name);
        }
      }
    }
  }

  /** {@link Thread#interrupt} stops a run the same way, and the thread keeps its interrupt flag. */
  @Test
  void anInterruptStopsTheRunAndKeepsTheFlag(@TempDir Path dir) throws Exception {
    try (AlignModel base = AlignModel.load(AnimalWorld.tinyLlama())) {
      AtomicReference<Throwable> thrown = new AtomicReference<>();
      boolean[] flagAfter = {false};
      Thread t = new Thread(() -> {
        TrainingListener interruptAtThree = new TrainingListener() {
          @Override public void onStep(StepMetrics m) {
            if (m.step() == 4) {
              Thread.currentThread().interrupt();
            }
          }
        };
        try {
          SftTrainer.of(config(12, 0)).runFolder(dir.resolve("run")).listener(interruptAtThree).train(base, TRAIN);
        } catch (Throwable e) {
          thrown.set(e);
          flagAfter[0] = Thread.currentThread().isInterrupted();
        }
      });
      t.start();
      t.join();
      assertTrue(thrown.get() instanceof TrainingCancelledException, "stopped by the interrupt: " + thrown.get());
      assertEquals(4, ((TrainingCancelledException) thrown.get()).step());
      assertTrue(flagAfter[0], "the interrupt flag is restored");
      assertTrue(Files.isDirectory(dir.resolve("run/checkpoints/step-4")));
    }
  }

  /** The library logs through SLF4J only: training with and without a run folder prints nothing on stdout. */
  @Test
  void theLibraryWritesNothingToStdout(@TempDir Path dir) throws Exception {
    PrintStream out = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try (AlignModel base = AlignModel.load(AnimalWorld.tinyLlama())) {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      try (AlignModel sft = SftTrainer.of(config(4, 0)).runFolder(dir.resolve("sft")).train(base, TRAIN, HELD_OUT)
          .model();
          AlignModel grpo = GrpoTrainer.of(OnlineRlIntegrationTest.rl(GrpoConfig.builder(), 1e-3, 2, 2, 0.04)
              .numGenerations(4).build()).rewardFunction(BuiltinRewards.parse("contains:cat"))
              .train(sft, List.of(dev.align4j.api.data.Prompt.of("where is the red cat ?"))).model()) {
        assertTrue(grpo.parameterCount() > 0);
      } finally {
        System.setOut(out);
      }
    }
    assertEquals("", captured.toString(StandardCharsets.UTF_8), "stdout belongs to the application");
  }

  /**
   * Twenty trainer runs in one JVM, each model closed after use, leave resident memory flat: what the runs allocate
   * is freed by {@code close()} (models and tokenizers) and by the per-step managers.
   */
  @Test
  void twentyTrainersInOneJvmKeepMemoryFlat() throws Exception {
    long[] rss = new long[20];
    try (AlignModel base = AlignModel.load(AnimalWorld.tinyLlama())) {
      for (int i = 0; i < rss.length; i++) {
        try (AlignModel sft = SftTrainer.of(config(4, 0)).train(base, TRAIN, HELD_OUT).model();
            TrainingResult<AlignRewardModel> rm = RewardTrainer.of(RewardConfig.builder().learningRate(1e-3)
                .maxSteps(3).batchSize(16).maxLength(64).threads(1).build())
                .train(sft, AnimalWorld.preferences(48, 3, AnimalWorld.Split.TRAIN), List.of())) {
          assertTrue(rm.model().score(List.of(dev.align4j.api.data.CompletionSample.of("a", "b"))).length == 1);
        }
        System.gc();
        rss[i] = ProcessMemory.residentBytes();
      }
    }
    long warm = rss[4];
    long last = rss[rss.length - 1];
    System.out.printf("rss after run 5: %d MB, after run 20: %d MB%n", warm >> 20, last >> 20);
    assertTrue(last <= warm * 1.10, "resident memory grew from " + (warm >> 20) + " MB (run 5) to " + (last >> 20)
        + " MB (run 20): " + java.util.Arrays.toString(rss));
  }
}
