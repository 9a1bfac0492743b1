package dev.align4j.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * Turns one JMH run's JSON results ({@code -rf json}) into the kernel table of {@code benchmarks/README.md}:
 * kernel, size, median ms of the Vector API path, % of the floor, speed-ups over the naive loop and over DJL/PyTorch,
 * the scalar path's ms and speed-up, and bytes allocated per call.
 *
 * <p>A kernel's floor is {@code max(bytes / bandwidth, exps / exp rate)}, with the bandwidth and the exp rate
 * measured by {@link Probes} in the same run; every ratio compares medians of the same run.
 */
public final class ResultsTable {
  private record Kernel(String simpleName, String label, ToLongFunction<String> bytes, ToLongFunction<String> exps) {}

  private static final List<Kernel> KERNELS = List.of(
      new Kernel("FullKlBenchmark", "full KL", FullKlBenchmark::bytes, FullKlBenchmark::exps),
      new Kernel("TokenLogprobsBenchmark", "token log-probs", TokenLogprobsBenchmark::bytes,
          TokenLogprobsBenchmark::exps),
      new Kernel("K3Benchmark", "k3 estimator", K3Benchmark::bytes, K3Benchmark::exps),
      new Kernel("GaeBenchmark", "GAE", GaeBenchmark::bytes, GaeBenchmark::exps),
      new Kernel("GroupAdvantagesBenchmark", "group advantages", GroupAdvantagesBenchmark::bytes,
          GroupAdvantagesBenchmark::exps));

  private ResultsTable() {}

  /** One benchmark's median and allocation. */
  private record Result(double medianMs, double bytesPerOp) {}

  /**
   * Prints the table for a JMH JSON result file.
   *
   * @param args the file
   * @throws IOException if it cannot be read
   */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: ResultsTable JMH_RESULTS.json");
      System.exit(2);
    }
    JsonNode root = new ObjectMapper().readTree(Path.of(args[0]).toFile());
    Map<String, Result> results = new HashMap<>();
    for (JsonNode b : root) {
      String name = b.get("benchmark").asText();
      String simple = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1); // Class.method
      String size = b.path("params").path("size").asText("");
      JsonNode primary = b.get("primaryMetric");
      double median = primary.path("scorePercentiles").path("50.0").asDouble(primary.get("score").asDouble());
      double alloc = Double.NaN;
      for (String metric : List.of("gc.alloc.rate.norm", "·gc.alloc.rate.norm")) { // JMH 1.37, older
        JsonNode m = b.path("secondaryMetrics").path(metric);
        if (!m.isMissingNode()) {
          alloc = m.get("score").asDouble();
        }
      }
      results.put(simple + "|" + size, new Result(median, alloc));
    }
    Result stream = results.get("Probes.memoryBandwidth|");
    Result exp = results.get("Probes.expRate|");
    if (stream == null || exp == null) {
      System.err.println("the results hold no Probes: run them in the same JMH run (benchmarks/run.sh does)");
      System.exit(1);
    }
    double bandwidth = Probes.streamBytes() / (stream.medianMs() * 1e-3); // bytes/s
    double expRate = Probes.expCount() / (exp.medianMs() * 1e-3); // exps/s
    System.out.printf(Locale.ROOT, "Probes: memory %.1f GB/s (one core streaming %d MiB), exp %.2f G/s (vector expf,"
        + " L1-resident)%n%n", bandwidth / 1e9, Probes.streamBytes() >> 20, expRate / 1e9);
    System.out.println("| kernel | size | ms | % of floor | floor ms (bound) | × naive | × DJL/PyTorch | scalar ms |"
        + " scalar × naive | all cores ms | B/op (vector, scalar) |");
    System.out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (Kernel k : KERNELS) {
      results.keySet().stream().filter(key -> key.startsWith(k.simpleName() + ".vectorApi|"))
          .map(key -> key.substring(key.indexOf('|') + 1)).sorted(ResultsTable::bySize)
          .forEach(size -> row(k, size, results, bandwidth, expRate));
    }
  }

  private static void row(Kernel k, String size, Map<String, Result> results, double bandwidth, double expRate) {
    Result vector = results.get(k.simpleName() + ".vectorApi|" + size);
    Result scalar = results.get(k.simpleName() + ".scalar|" + size);
    Result naive = results.get(k.simpleName() + ".naive|" + size);
    Result djl = results.get(k.simpleName() + ".djlPyTorch|" + size);
    Result allCores = results.get(k.simpleName() + ".vectorApiAllCores|" + size);
    double memoryMs = k.bytes().applyAsLong(size) / bandwidth * 1e3;
    double expMs = k.exps().applyAsLong(size) / expRate * 1e3;
    double floor = Math.max(memoryMs, expMs);
    System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s (%s) | %s | %s | %s | %s | %s | %s, %s |%n", k.label(),
        size.replace('x', '×'), ms(vector), vector == null ? "–" : String.format(Locale.ROOT, "%.0f %%",
            100 * floor / vector.medianMs()),
        String.format(Locale.ROOT, "%.3f", floor), memoryMs >= expMs ? "memory" : "exp",
        ratio(naive, vector), ratio(djl, vector), ms(scalar), ratio(naive, scalar), ms(allCores),
        bytes(vector), bytes(scalar));
  }

  private static int bySize(String a, String b) {
    long x = 1;
    long y = 1;
    for (int d : RandomInputs.dims(a)) {
      x *= d;
    }
    for (int d : RandomInputs.dims(b)) {
      y *= d;
    }
    return x != y ? Long.compare(x, y) : a.compareTo(b);
  }

  private static String ms(Result r) {
    return r == null ? "–" : String.format(Locale.ROOT, r.medianMs() < 1 ? "%.3f" : "%.2f", r.medianMs());
  }

  private static String ratio(Result slow, Result fast) {
    return slow == null || fast == null ? "–"
        : String.format(Locale.ROOT, "%.1f×", slow.medianMs() / fast.medianMs());
  }

  private static String bytes(Result r) {
    return r == null || Double.isNaN(r.bytesPerOp()) ? "–" : String.format(Locale.ROOT, "%.0f", r.bytesPerOp());
  }
}
