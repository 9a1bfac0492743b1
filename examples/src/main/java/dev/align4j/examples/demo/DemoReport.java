package dev.align4j.examples.demo;

import dev.align4j.core.task.Family;
import dev.align4j.core.task.Task;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** {@code report.html}: the headline numbers, per-family tables, the charts (PNG files beside it) and samples. */
final class DemoReport {
  private static final String HEAD = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      + "<title>align4j demo</title>\n<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}"
      + "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;"
      + "text-align:right}th{background:#eee}td:first-child,th:first-child{text-align:left}"
      + "img{max-width:100%;border:1px solid #ddd;margin:0.5em 0}pre{background:#f6f6f6;padding:1em;"
      + "white-space:pre-wrap}</style></head><body>\n";

  private DemoReport() {}

  static void write(DemoResult r, Optional<CaiResult> cai, Optional<LoopResult> loop, Path dir) throws IOException {
    System.setProperty("java.awt.headless", "true");
    if (loop.isPresent()) {
      DemoCharts.loop(dir.resolve("loop.png"), loop.get());
    }
    DemoCharts.overIterations(dir.resolve("reward.png"), "Proxy reward during RL", "reward/mean", "reward-model score",
        r.stages());
    DemoCharts.overIterations(dir.resolve("kl.png"), "KL to the SFT model during RL (k1 estimate, per sequence)",
        "kl/sequence", "nats", r.stages());
    DemoCharts.overoptimization(dir.resolve("overoptimization.png"), r);
    DemoCharts.accuracy(dir.resolve("accuracy.png"), r);

    StringBuilder h = new StringBuilder();
    h.append(HEAD);
    h.append("<h1>align4j demo: why each stage exists</h1>\n");
    h.append(String.format(Locale.ROOT, "<p>Seed %d, wall time %.0f s. Every policy is sampled at temperature 1 on "
        + "%d held-out prompts &times; %d and judged by the gold standard (exactly right, no filler).</p>\n",
        r.settings().seed(), r.wallSeconds(), r.evaluator().tasks().size(), r.settings().evalSamples()));
    h.append("<h2>Headline numbers</h2>\n<pre>").append(escape(r.table())).append("</pre>\n");
    h.append("<img src=\"accuracy.png\" alt=\"accuracy per stage\">\n");
    h.append("<p><b>SFT</b> imitates the annotators, so its gold accuracy sits near theirs. The <b>reward model</b> "
        + "judges well but inherits the labellers' taste for filler. <b>RL</b> lifts content accuracy above the "
        + "demonstrations while some of that bias leaks in, held back by the KL leash. <b>Without the leash</b> the "
        + "proxy keeps rising while gold accuracy falls.</p>\n");
    h.append("<h2>Without the KL leash</h2>\n<img src=\"overoptimization.png\" alt=\"gold and proxy over sqrt(KL)\">\n");
    h.append("<h2>RL curves</h2>\n<img src=\"reward.png\" alt=\"proxy reward per iteration\">\n")
        .append("<img src=\"kl.png\" alt=\"KL per iteration\">\n");
    // Only the families the world was configured with (the SFT evaluation covers all of them).
    Set<Family> families = r.stages().get("sft").scores().perFamily().keySet();
    h.append("<h2>Per family (gold / content / filler)</h2>\n<table><tr><th>stage</th>");
    for (Family f : families) {
      h.append("<th>").append(f.label()).append("</th>");
    }
    h.append("</tr>\n");
    for (Map.Entry<String, StageOutcome> e : r.stages().entrySet()) {
      h.append("<tr><td>").append(e.getKey()).append("</td>");
      for (Family f : families) {
        double[] v = e.getValue().scores().perFamily().get(f);
        h.append("<td>").append(v == null ? "-" : String.format(Locale.ROOT, "%.2f / %.2f / %.2f", v[0], v[1], v[2]))
            .append("</td>");
      }
      h.append("</tr>\n");
    }
    h.append("</table>\n");
    cai.ifPresent(c -> h.append(c.html()));
    loop.ifPresent(l -> h.append(l.html()));
    h.append("<h2>Samples</h2>\n<table><tr><th>stage</th><th>prompt</th><th>answer</th><th>completion</th></tr>\n");
    for (Map.Entry<String, StageOutcome> e : r.stages().entrySet()) {
      for (int i = 0; i < e.getValue().samples().size(); i += Math.max(1, e.getValue().samples().size() / 6)) {
        Task t = r.evaluator().taskOf(i);
        h.append("<tr><td>").append(e.getKey()).append("</td><td>").append(escape(t.prompt())).append("</td><td>")
            .append(escape(t.answer())).append("</td><td>").append(escape(e.getValue().samples().get(i)))
            .append("</td></tr>\n");
      }
    }
    h.append("</table>\n</body></html>\n");
    Files.writeString(dir.resolve("report.html"), h.toString(), StandardCharsets.UTF_8);
  }

  /** The report of a run of the Constitutional AI part alone. */
  static void writeCai(CaiResult cai, Path dir) throws IOException {
    String h = HEAD + String.format(Locale.ROOT, "<h1>align4j demo: Constitutional AI</h1>\n<p>Seed %d, wall time %.0f"
        + " s.</p>\n", cai.settings().seed(), cai.wallSeconds()) + cai.html() + "</body></html>\n";
    Files.writeString(dir.resolve("report.html"), h, StandardCharsets.UTF_8);
  }

  /** The report of a run of the loop part alone. */
  static void writeLoop(LoopResult loop, Path dir) throws IOException {
    System.setProperty("java.awt.headless", "true");
    DemoCharts.loop(dir.resolve("loop.png"), loop);
    String h = HEAD + String.format(Locale.ROOT, "<h1>align4j demo: the loop</h1>\n<p>Seed %d, wall time %.0f"
        + " s.</p>\n", loop.settings().seed(), loop.wallSeconds()) + loop.html() + "</body></html>\n";
    Files.writeString(dir.resolve("report.html"), h, StandardCharsets.UTF_8);
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
