package dev.align4j.api.kernel;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds {@link KernelProvider}s on the class path and picks one.
 *
 * <p>The system property {@value #PROPERTY} names the provider to use ({@code cpu}, {@code cuda}); unset, the usable
 * provider with the highest {@link KernelProvider#priority()} wins, so adding {@code alignment-cuda} to a machine with
 * a GPU is enough to use it. A provider that fails to load is skipped with a log line, never an exception.
 */
public final class KernelProviders {
  /** System property that selects a provider by name. */
  public static final String PROPERTY = "align4j.kernels";

  private static final Logger LOG = LoggerFactory.getLogger(KernelProviders.class);
  private static volatile KernelProvider best;

  private KernelProviders() {}

  /**
   * Every provider that loaded, usable or not, highest priority first.
   *
   * @return a fresh list from a new {@link ServiceLoader} pass; providers that failed to load are left out
   */
  public static List<KernelProvider> all() {
    List<KernelProvider> found = new ArrayList<>();
    var it = ServiceLoader.load(KernelProvider.class, KernelProviders.class.getClassLoader()).iterator();
    while (true) {
      try {
        if (!it.hasNext()) {
          break;
        }
        found.add(it.next());
      } catch (ServiceConfigurationError | LinkageError e) {
        LOG.warn("align4j: a kernel provider failed to load and is skipped: {}", e.toString());
      }
    }
    found.sort(Comparator.comparingInt(KernelProvider::priority).reversed());
    return found;
  }

  /**
   * Every usable provider, highest priority first.
   *
   * @return the providers of {@link #all()} whose {@link KernelProvider#isUsable()} answers true (one that throws
   *     counts as unusable)
   */
  public static List<KernelProvider> usable() {
    return all().stream().filter(KernelProviders::safeUsable).toList();
  }

  /**
   * The provider selected by {@value #PROPERTY}, else the usable one with the highest priority; cached.
   *
   * @return the provider chosen on the first call, read once: changing the property later has no effect here (use
   *     {@link #select} for that)
   * @throws IllegalStateException when no provider is on the class path or the named one is missing or unusable
   */
  public static KernelProvider best() {
    KernelProvider b = best;
    if (b == null) {
      synchronized (KernelProviders.class) {
        b = best;
        if (b == null) {
          b = select(System.getProperty(PROPERTY));
          best = b;
        }
      }
    }
    return b;
  }

  /**
   * The provider named {@code wanted}, or with a null or blank name the usable one with the highest priority.
   *
   * @param wanted a provider name such as {@code "cpu"} or {@code "cuda"}, matched after trimming and lower-casing;
   *     null or blank for the automatic choice
   * @return the selected provider; not cached, each call looks the providers up again
   * @throws IllegalStateException when the named provider is missing or unusable, or none is usable
   */
  public static KernelProvider select(String wanted) {
    List<KernelProvider> all = all();
    if (wanted != null && !wanted.isBlank()) {
      String name = wanted.trim().toLowerCase(Locale.ROOT);
      for (KernelProvider p : all) {
        if (p.name().equals(name)) {
          if (!safeUsable(p)) {
            throw new IllegalStateException(String.format(
                "%s=%s names a provider that is not usable here; unset it or choose one of %s",
                PROPERTY, wanted, names(usable())));
          }
          return p;
        }
      }
      throw new IllegalStateException(String.format(
          "%s=%s names no provider on the class path; found %s", PROPERTY, wanted, names(all)));
    }
    for (KernelProvider p : all) {
      if (safeUsable(p)) {
        return p;
      }
    }
    throw new IllegalStateException(
        "no usable KernelProvider on the class path; add alignment-core (it holds the CPU provider)");
  }

  private static boolean safeUsable(KernelProvider p) {
    try {
      return p.isUsable();
    } catch (RuntimeException | LinkageError e) {
      LOG.warn("align4j: kernel provider {} failed its usability check: {}", p.name(), e.toString());
      return false;
    }
  }

  private static List<String> names(List<KernelProvider> ps) {
    return ps.stream().map(KernelProvider::name).toList();
  }
}
