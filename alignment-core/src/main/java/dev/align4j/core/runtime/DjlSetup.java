package dev.align4j.core.runtime;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Configures DJL before its engine starts so that align4j never touches the network by default.
 *
 * <p>DJL reads {@code DJL_OFFLINE} from the environment first and the system property {@code ai.djl.offline} only
 * when the variable is unset; without either, engine start-up calls a cloud metadata address (telemetry) and may try
 * to download libtorch. align4j loads the PyTorch natives from the {@code pytorch-native-cpu} jar, so it sets the
 * property itself, plus {@code OPT_OUT_TRACKING}. A user who wants DJL's downloads opts in with
 * {@code -Dalign4j.allowDownloads=true} (or by setting {@code DJL_OFFLINE=false} in the environment).
 *
 * <p>Every align4j entry point that needs the engine goes through {@link #engine()} or {@link #newManager()}; code
 * that creates DJL managers itself should call {@link #configure()} first.
 */
public final class DjlSetup {
  /** System property that lets DJL download (engines, model zoo). */
  public static final String ALLOW_DOWNLOADS = "align4j.allowDownloads";

  private static final Logger LOG = LoggerFactory.getLogger(DjlSetup.class);
  private static volatile boolean configured;

  private DjlSetup() {}

  /** Sets DJL's offline and tracking switches unless the user chose otherwise. Idempotent, cheap. */
  public static void configure() {
    if (configured) {
      return;
    }
    synchronized (DjlSetup.class) {
      if (configured) {
        return;
      }
      boolean allow = Boolean.getBoolean(ALLOW_DOWNLOADS);
      if (!allow && System.getenv("DJL_OFFLINE") == null && System.getProperty("ai.djl.offline") == null) {
        System.setProperty("ai.djl.offline", "true");
      }
      if (System.getenv("OPT_OUT_TRACKING") == null && System.getProperty("OPT_OUT_TRACKING") == null) {
        System.setProperty("OPT_OUT_TRACKING", "true");
      }
      if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
        // align4j's graphs are small and sequential; inter-op threads only add contention on few cores
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
      }
      configured = true;
    }
  }

  /** The PyTorch engine, started offline. */
  public static Engine engine() {
    configure();
    try {
      return Engine.getEngine("PyTorch");
    } catch (RuntimeException e) {
      LOG.error("align4j: the PyTorch engine did not start. It loads its natives from the pytorch-native-cpu jar"
          + " (classifier linux-x86_64) on the class path; check that the jar is there and that ~/.djl.ai (or"
          + " ENGINE_CACHE_DIR) is writable.");
      throw e;
    }
  }

  /**
   * Sets PyTorch's intra-op thread count, starting the engine first (the native call does not exist before).
   * One thread suits small models and shared machines, where OpenMP regions otherwise wait for a busy core.
   */
  public static void setIntraOpThreads(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    engine();
    ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
  }

  /** A new base manager on the PyTorch engine. Close it (try-with-resources) to free native memory. */
  public static NDManager newManager() {
    return engine().newBaseManager();
  }
}
