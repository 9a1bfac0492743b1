package dev.align4j.cuda;

import dev.align4j.api.kernel.KernelProvider;
import dev.align4j.api.kernel.KernelProviders;

/**
 * What an application does at start-up, run in a fresh JVM by {@link StartupFallbackTest}: pick the best provider
 * several times, list the usable ones, use the kernels. Prints {@code best=<name>} and {@code outcome=<outcome>} on
 * stdout; any exception escaping here would fail the test.
 */
public final class StartupProbeMain {
  private StartupProbeMain() {}

  public static void main(String[] args) {
    KernelProvider best;
    try {
      best = KernelProviders.best();
    } catch (IllegalStateException e) {
      System.out.println("refused=" + e.getMessage());
      return;
    }
    KernelProviders.best();
    KernelProviders.usable();
    KernelProviders.all().forEach(KernelProvider::isUsable);
    float[] out = new float[1];
    best.fullKl(new float[] {1, 2, 3}, new float[] {3, 2, 1}, 1, 3, out);
    System.out.println("best=" + best.name());
    System.out.println("outcome=" + CudaKernelProvider.status().outcome());
    System.out.println("kl=" + out[0]);
  }
}
