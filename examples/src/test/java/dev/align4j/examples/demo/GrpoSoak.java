package dev.align4j.examples.demo;

import dev.align4j.api.train.StepMetrics;
import dev.align4j.api.train.TrainingListener;
import dev.align4j.core.AlignModel;
import dev.align4j.core.AlignRewardModel;
import dev.align4j.core.grpo.GrpoConfig;
import dev.align4j.core.grpo.GrpoTrainer;
import dev.align4j.core.train.RunMode;
import dev.align4j.core.train.TrainingResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The GRPO soak's program, run by {@code SoakSlowTest} in its own JVM: the demo's GRPO stage (full settings: its
 * model size, prompts per iteration, generations, mini-batches, leash) for N iterations from the built-in model,
 * printing {@code soak step S rss_kib R fds F heap_mib H} every 50 iterations from {@code /proc/self}.
 *
 * <p>Usage: {@code GrpoSoak ITERATIONS OUT}.
 */
public final class GrpoSoak {
  private GrpoSoak() {}

  /** Resident set size of this process in KiB, from {@code /proc/self/status}. */
  static long rssKib() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    throw new IOException("no VmRSS in /proc/self/status");
  }

  /** Open file descriptors of this process. */
  static long fds() throws IOException {
    try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
      return s.count();
    }
  }

  public static void main(String[] args) throws Exception {
    int iterations = Integer.parseInt(args[0]);
    Path out = Path.of(args[1]);
    DemoSettings settings = DemoSettings.full(1);
    DemoPipeline p = new DemoPipeline(settings, out);
    try (AlignModel base = p.newBaseModel();
        AlignRewardModel rm = base.newScalarModel(DemoPipeline.MAX_POSITIONS)) {
      GrpoConfig config = p.grpoConfig(iterations, settings.grpoBeta()).toBuilder().logEvery(50).build();
      TrainingListener probe = new TrainingListener() {
        @Override
        public void onStep(StepMetrics m) {
          try {
            Runtime rt = Runtime.getRuntime();
            System.out.printf("soak step %d rss_kib %d fds %d heap_mib %d%n", m.step(), rssKib(), fds(),
                (rt.totalMemory() - rt.freeMemory()) >> 20);
            System.out.flush();
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }
      };
      try (TrainingResult<AlignModel> r = GrpoTrainer.of(config).rewardModel(rm).listener(probe)
          .runFolder(out.resolve("grpo"), RunMode.OVERWRITE).train(base, p.rlPrompts())) {
        System.out.println("soak done " + r.history().size() + " logged steps");
      }
    }
  }
}
