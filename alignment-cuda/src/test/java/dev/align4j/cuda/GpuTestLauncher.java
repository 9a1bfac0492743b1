package dev.align4j.cuda;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TagFilter;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs the {@code gpu}-tagged tests of this package where there is a Java runtime but no Maven (the GPU machine of
 * gpu-check.sh). Prints the failures and a closing {@code N passed, M failed, K skipped} line; exit status 0 only when
 * none failed and at least one ran.
 */
public final class GpuTestLauncher {
  private GpuTestLauncher() {}

  public static void main(String[] args) {
    LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
        .selectors(selectPackage("dev.align4j.cuda"))
        .filters(TagFilter.includeTags("gpu"))
        .build();
    Launcher launcher = LauncherFactory.create();
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    launcher.execute(request, listener);
    TestExecutionSummary s = listener.getSummary();
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    s.printFailuresTo(out, 20);
    long failed = s.getTestsFailedCount() + s.getContainersFailedCount();
    long skipped = s.getTestsSkippedCount() + s.getTestsAbortedCount();
    out.printf("gpu tests: %d passed, %d failed, %d skipped%n", s.getTestsSucceededCount(), failed, skipped);
    System.exit(failed == 0 && s.getTestsSucceededCount() > 0 ? 0 : 1);
  }
}
