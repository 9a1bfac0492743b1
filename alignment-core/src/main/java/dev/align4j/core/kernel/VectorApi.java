package dev.align4j.core.kernel;

import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads {@code VectorLoops} once, by name, only when {@code jdk.incubator.vector} is in the boot layer: no class of
 * {@code src/main/java} refers to it by type, so without the module it is never loaded and nothing fails to link.
 */
final class VectorApi {
  static final String MODULE = "jdk.incubator.vector";
  private static final String LOOPS_CLASS = "dev.align4j.core.kernel.VectorLoops";
  private static final Logger LOG = LoggerFactory.getLogger(VectorApi.class);

  private static final KernelLoops LOOPS;
  private static final String UNAVAILABLE;

  static {
    KernelLoops loops = null;
    String why = null;
    if (ModuleLayer.boot().findModule(MODULE).isEmpty()) {
      why = MODULE + " is not in the boot layer; start the JVM with --add-modules " + MODULE;
    } else {
      try {
        loops = (KernelLoops) Class.forName(LOOPS_CLASS).getConstructor().newInstance();
      } catch (java.lang.reflect.InvocationTargetException e) {
        why = String.valueOf(e.getCause().getMessage());
      } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
        why = LOOPS_CLASS + " did not load: " + e;
      }
    }
    LOOPS = loops;
    UNAVAILABLE = why;
    if (why != null) {
      LOG.info("align4j: CPU kernels take the scalar path ({}); the Vector API path is several times faster on "
          + "the softmax-family kernels", why);
    }
  }

  private VectorApi() {}

  static Optional<KernelLoops> loops() {
    return Optional.ofNullable(LOOPS);
  }

  static Optional<String> unavailableReason() {
    return Optional.ofNullable(UNAVAILABLE);
  }
}
