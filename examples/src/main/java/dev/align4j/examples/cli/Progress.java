package dev.align4j.examples.cli;

import dev.align4j.api.train.StepMetrics;
import dev.align4j.api.train.TrainingListener;
import java.io.PrintStream;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Progress of a stage: a one-line bar with rate and ETA redrawn on a terminal (stderr), plain log lines every
 * {@code logEvery} steps otherwise (CI logs, files).
 */
public final class Progress implements TrainingListener {
  private static final Logger LOG = LoggerFactory.getLogger(Progress.class);

  private final String stage;
  private final long total;
  private final long logEvery;
  private final boolean terminal;
  private final PrintStream err = System.err;
  private final long startNanos = System.nanoTime();
  private final long firstStep;
  private long lastDrawn;

  /**
   * @param total steps of the run
   * @param firstStep the step the run starts (or resumes) at, for the rate
   */
  public Progress(String stage, long total, long firstStep, long logEvery) {
    this.stage = stage;
    this.total = total;
    this.firstStep = firstStep;
    this.logEvery = Math.max(1, logEvery);
    this.terminal = System.console() != null && !"dumb".equals(System.getenv("TERM"));
  }

  @Override
  public void onStep(StepMetrics m) {
    double elapsed = (System.nanoTime() - startNanos) / 1e9;
    double rate = (m.step() - firstStep + 1) / Math.max(elapsed, 1e-9);
    double eta = (total - m.step()) / Math.max(rate, 1e-9);
    String headline = headline(m);
    if (terminal && m.step() > 0) {
      long now = System.nanoTime();
      if (now - lastDrawn < 100_000_000L && m.step() < total) {
        return;
      }
      lastDrawn = now;
      int width = 24;
      int filled = (int) Math.min(width, width * m.step() / Math.max(1, total));
      err.print(String.format(Locale.ROOT, "\r%s [%s%s] %d/%d %.1f step/s ETA %s %s", stage, "#".repeat(filled),
          " ".repeat(width - filled), m.step(), total, rate, clock(eta), headline));
      if (m.step() >= total) {
        err.println();
      }
      err.flush();
    } else if (m.step() == 0) {
      LOG.info(String.format(Locale.ROOT, "%s before training: %s", stage, headline));
    } else if (m.step() % logEvery == 0 || m.step() == total || m.step() == firstStep) {
      LOG.info(String.format(Locale.ROOT, "%s step %d/%d %.1f step/s ETA %s %s", stage, m.step(), total, rate,
          clock(eta), headline));
    }
  }

  private static String headline(StepMetrics m) {
    StringBuilder b = new StringBuilder();
    int shown = 0;
    for (var e : m.values().entrySet()) {
      if (shown++ == 4) {
        break;
      }
      b.append(String.format(Locale.ROOT, "%s=%.4g ", e.getKey(), e.getValue()));
    }
    return b.toString().trim();
  }

  private static String clock(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format("%d:%02d", s / 60, s % 60);
  }
}
