package dev.align4j.cuda;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TagFilter;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs the {@code gpu}-tagged tests of this package where there is a Java runtime but no Maven (the GPU machine of
 * gpu-check.sh). Prints each skip with its reason, the failures, and a closing {@code N passed, M failed, K skipped}
 * line; exit status 0 only when none failed and at least one passed.
 */
public final class GpuTestLauncher {
  private GpuTestLauncher() {}

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    AtomicLong skippedContainers = new AtomicLong();
    TestExecutionListener reasons = new TestExecutionListener() {
      @Override
      public void executionSkipped(TestIdentifier id, String reason) {
        out.println("skipped " + id.getDisplayName() + ": " + reason);
      }

      @Override
      public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
          if (id.isContainer()) {
            skippedContainers.incrementAndGet();
          }
          out.println("skipped " + id.getDisplayName() + ": "
              + result.getThrowable().map(Throwable::getMessage).orElse("aborted"));
        }
      }
    };
    LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
        .selectors(selectPackage("dev.align4j.cuda"))
        .filters(TagFilter.includeTags("gpu"))
        .build();
    Launcher launcher = LauncherFactory.create();
    SummaryGeneratingListener summary = new SummaryGeneratingListener();
    launcher.execute(request, summary, reasons);
    TestExecutionSummary s = summary.getSummary();
    s.printFailuresTo(out, 20);
    long failed = s.getTestsFailedCount() + s.getContainersFailedCount();
    long skipped = s.getTestsSkippedCount() + s.getTestsAbortedCount() + skippedContainers.get();
    out.printf("gpu tests: %d passed, %d failed, %d skipped%n", s.getTestsSucceededCount(), failed, skipped);
    System.exit(failed == 0 && s.getTestsSucceededCount() > 0 ? 0 : 1);
  }
}
