package dev.align4j.cuda;

import dev.align4j.api.kernel.KernelProviders;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds, extracts and loads {@code libalign4j_cuda.so}, then probes the device: once per JVM, with one log line for
 * the outcome, never an exception. Each step that fails ends the probe with its {@link CudaStatus.Outcome}:
 *
 * <ol>
 *   <li>{@value #DISABLE_PROPERTY}{@code =true}, or {@value KernelProviders#PROPERTY} naming another provider:
 *       disabled, nothing is loaded;
 *   <li>the library: {@value #LIBRARY_PROPERTY} names a file to load as it is, else the jar's copy for this platform
 *       ({@value #RESOURCE}) is extracted to a per-user directory (content-addressed, written to a temporary file
 *       and renamed into place, so concurrent JVMs never see half a file) and loaded;
 *   <li>the ABI version of the library must match {@link NativeCuda#ABI_VERSION};
 *   <li>{@code cudaGetDeviceCount}: error 35 means no (recent enough) driver, error 100 or a count of 0 no device;
 *   <li>device 0 needs compute capability 8.0 or newer (the library holds sm_80 and sm_90 code and compute_90 PTX);
 *   <li>a self-test kernel must run and return the right values.
 * </ol>
 */
final class CudaLibrary {
  /** {@code true} (or empty) keeps the CUDA kernels off. */
  static final String DISABLE_PROPERTY = "align4j.cuda.disabled";
  /** A path to a {@code libalign4j_cuda.so} to load instead of the jar's. */
  static final String LIBRARY_PROPERTY = "align4j.cuda.library";
  /** Where the jar's library is extracted; default {@code <java.io.tmpdir>/align4j-<user>}. */
  static final String EXTRACT_DIR_PROPERTY = "align4j.cuda.extractDir";

  static final String PLATFORM = "linux-x86_64";
  static final String LIBRARY_FILE = "libalign4j_cuda.so";
  /** The library inside the jar, relative to this package. */
  static final String RESOURCE = "native/" + PLATFORM + "/" + LIBRARY_FILE;

  private static final Logger LOG = LoggerFactory.getLogger(CudaLibrary.class);
  private static final int ERROR_INSUFFICIENT_DRIVER = 35;
  private static final int ERROR_NO_DEVICE = 100;
  private static final int MIN_MAJOR = 8;

  private CudaLibrary() {}

  /** Where the probe looks; {@link #fromSystem()} reads the system properties. */
  record Settings(String disabledBy, Optional<Path> library, URL resource, Path extractDir, String os,
      String arch) {

    static Settings fromSystem() {
      String disabledBy = null;
      String off = System.getProperty(DISABLE_PROPERTY);
      String kernels = System.getProperty(KernelProviders.PROPERTY);
      if (off != null && (off.isBlank() || Boolean.parseBoolean(off.trim()))) {
        disabledBy = "-D" + DISABLE_PROPERTY + "=" + off;
      } else if (kernels != null && !kernels.isBlank()
          && !kernels.trim().toLowerCase(Locale.ROOT).equals(CudaKernelProvider.NAME)) {
        disabledBy = "-D" + KernelProviders.PROPERTY + "=" + kernels + ", which selects another provider";
      }
      String library = System.getProperty(LIBRARY_PROPERTY);
      String dir = System.getProperty(EXTRACT_DIR_PROPERTY);
      // System.load takes absolute paths only
      Path extractDir = (dir != null && !dir.isBlank()
          ? Path.of(dir)
          : Path.of(System.getProperty("java.io.tmpdir"), "align4j-" + safeName(System.getProperty("user.name"))))
          .toAbsolutePath();
      return new Settings(disabledBy,
          library == null || library.isBlank() ? Optional.empty() : Optional.of(Path.of(library)),
          CudaLibrary.class.getResource(RESOURCE), extractDir, System.getProperty("os.name", "?"),
          System.getProperty("os.arch", "?"));
    }
  }

  private static final class Holder {
    static final CudaStatus STATUS = logged(probe(Settings.fromSystem()));
  }

  /** This JVM's status; the first call probes and logs. */
  static CudaStatus status() {
    return Holder.STATUS;
  }

  private static CudaStatus logged(CudaStatus status) {
    switch (status.outcome()) {
      case USABLE, DISABLED, NO_LIBRARY, NO_DRIVER, NO_DEVICE -> LOG.info(status.logLine());
      default -> LOG.warn(status.logLine());
    }
    return status;
  }

  /**
   * One probe, without caching or logging. Never throws: {@link CudaKernelProvider#isUsable()} must not, and a
   * broken GPU set-up must leave the CPU kernels working.
   */
  static CudaStatus probe(Settings s) {
    try {
      return probeSteps(s);
    } catch (RuntimeException | LinkageError e) { // the contract above; the cause goes into the one log line
      return failed(CudaStatus.Outcome.LIBRARY_FAILED, "unexpected " + e);
    }
  }

  private static CudaStatus probeSteps(Settings s) {
    if (s.disabledBy() != null) {
      return failed(CudaStatus.Outcome.DISABLED, s.disabledBy());
    }
    Path file;
    boolean extracted = false;
    if (s.library().isPresent()) {
      file = s.library().get().toAbsolutePath();
      if (!Files.isRegularFile(file)) {
        return failed(CudaStatus.Outcome.LIBRARY_FAILED, "-D" + LIBRARY_PROPERTY + "=" + s.library().get()
            + " names no file");
      }
      Optional<String> problem;
      try {
        problem = SharedLibraryCheck.problem(Files.readAllBytes(file));
      } catch (IOException e) {
        return failed(CudaStatus.Outcome.LIBRARY_FAILED, "could not read " + file + ": " + e);
      }
      if (problem.isPresent()) {
        return failed(CudaStatus.Outcome.LIBRARY_FAILED, file + " is not a loadable x86-64 shared library: "
            + problem.get());
      }
    } else {
      if (!s.os().startsWith("Linux") || !(s.arch().equals("amd64") || s.arch().equals("x86_64"))) {
        return failed(CudaStatus.Outcome.NO_LIBRARY, "this jar holds a native library for " + PLATFORM
            + " only, this JVM runs on " + s.os() + "/" + s.arch());
      }
      if (s.resource() == null) {
        return failed(CudaStatus.Outcome.NO_LIBRARY, "this alignment-cuda jar holds no " + RESOURCE
            + " (it was built without nvcc: the cuda-native Maven profile was off)");
      }
      byte[] bytes;
      try (InputStream in = s.resource().openStream()) {
        bytes = in.readAllBytes();
        checkIntact(s.resource(), bytes);
      } catch (IOException e) {
        return failed(CudaStatus.Outcome.LIBRARY_FAILED, "could not read the jar's " + RESOURCE + ": " + e);
      } catch (DamagedLibraryException e) {
        return failed(CudaStatus.Outcome.LIBRARY_FAILED, e.getMessage());
      }
      try {
        file = extract(bytes, s.extractDir()).toAbsolutePath();
        extracted = true;
      } catch (IOException | SecurityException e) {
        return failed(CudaStatus.Outcome.LIBRARY_FAILED, "could not extract " + LIBRARY_FILE + " to "
            + s.extractDir() + ": " + e + " (set -D" + EXTRACT_DIR_PROPERTY + " to a writable directory)");
      }
    }
    try {
      System.load(file.toString());
    } catch (UnsatisfiedLinkError | SecurityException | NoSuchMethodError e) {
      // dlopen reports a noexec mount as "failed to map segment from shared object"
      boolean mapping = String.valueOf(e.getMessage()).contains("map segment");
      String hint = extracted && mapping ? " (its file system may be mounted noexec: set -D" + EXTRACT_DIR_PROPERTY
          + " to another directory)" : "";
      return failed(CudaStatus.Outcome.LIBRARY_FAILED, "could not load " + file + ": " + e + hint);
    }
    int abi;
    try {
      abi = NativeCuda.abiVersion();
    } catch (UnsatisfiedLinkError e) {
      return failed(CudaStatus.Outcome.LIBRARY_FAILED, file + " loaded but does not implement the align4j JNI methods: "
          + e);
    }
    if (abi != NativeCuda.ABI_VERSION) {
      return failed(CudaStatus.Outcome.LIBRARY_FAILED, file + " has ABI version " + abi + ", this jar expects "
          + NativeCuda.ABI_VERSION + " (a library from another align4j version)");
    }
    return probeDevice();
  }

  private static CudaStatus probeDevice() {
    int[] versions = new int[2];
    NativeCuda.versions(versions);
    int[] count = new int[1];
    int rc = NativeCuda.deviceCount(count);
    String call = "cudaGetDeviceCount returned " + describe(rc);
    if (rc == ERROR_INSUFFICIENT_DRIVER) {
      String driver = versions[1] == 0 ? "no NVIDIA driver found"
          : "the NVIDIA driver supports CUDA " + CudaDevice.version(versions[1]);
      return failed(CudaStatus.Outcome.NO_DRIVER, driver + ", the library needs one for CUDA "
          + CudaDevice.version(versions[0]) + " or newer (" + call + ")");
    }
    if (rc == ERROR_NO_DEVICE || (rc == 0 && count[0] == 0)) {
      return failed(CudaStatus.Outcome.NO_DEVICE, "no CUDA device visible (" + (rc == 0 ? "0 devices" : call) + ")");
    }
    if (rc != 0) {
      return failed(CudaStatus.Outcome.DEVICE_FAILED, call);
    }
    long[] n = new long[7];
    String[] name = new String[1];
    rc = NativeCuda.deviceInfo(0, n, name);
    if (rc != 0) {
      return failed(CudaStatus.Outcome.DEVICE_FAILED, "cudaGetDeviceProperties(0) returned " + describe(rc));
    }
    CudaDevice device = new CudaDevice(name[0], (int) n[0], (int) n[1], (int) n[2], n[6], (int) n[4], (int) n[5],
        n[3] != 0);
    if (device.major() < MIN_MAJOR) {
      return failed(CudaStatus.Outcome.UNSUPPORTED_DEVICE, "device 0 is " + device.describe()
          + "; the library holds code for compute capability " + MIN_MAJOR + ".0 and newer");
    }
    rc = NativeCuda.selfTest();
    if (rc != 0) {
      return failed(CudaStatus.Outcome.DEVICE_FAILED, "the self-test kernel on " + device.describe()
          + " returned " + describe(rc));
    }
    return new CudaStatus(CudaStatus.Outcome.USABLE, "", Optional.of(device));
  }

  private static String describe(int rc) {
    return NativeCuda.errorName(rc) + " (" + rc + "): " + NativeCuda.errorString(rc);
  }

  private static CudaStatus failed(CudaStatus.Outcome outcome, String detail) {
    return new CudaStatus(outcome, detail, Optional.empty());
  }

  /**
   * Writes the library's bytes into {@code <root>/cuda-<sha-256 prefix>/}, once per content: an existing file
   * is reused only if its bytes hash the same (a truncated or altered file is replaced). A new file is written to a
   * temporary name in the same directory, forced to disk and renamed atomically. Directories are created owner-only
   * and must belong to this user.
   *
   * @return the library's path
   */
  static Path extract(byte[] bytes, Path root) throws IOException {
    byte[] hash = sha256(bytes);
    Path dir = root.resolve("cuda-" + HexFormat.of().formatHex(hash, 0, 8));
    createPrivateDirectory(root);
    createPrivateDirectory(dir);
    Path target = dir.resolve(LIBRARY_FILE);
    if (Files.isRegularFile(target) && Arrays.equals(sha256(Files.readAllBytes(target)), hash)) {
      return target;
    }
    Path tmp = Files.createTempFile(dir, LIBRARY_FILE + ".", ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("the file system of " + dir + " cannot rename atomically", e);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
    return target;
  }

  /** The jar's library was damaged after the build: its bytes do not match the checksum or the ELF structure. */
  static final class DamagedLibraryException extends Exception {
    private static final long serialVersionUID = 1L;

    DamagedLibraryException(String message) {
      super(message);
    }
  }

  /**
   * The build writes {@code <library>.sha256} beside the library (build.sh); a copy that does not match it, or is not
   * a complete shared object, is never extracted or loaded.
   */
  static void checkIntact(URL resource, byte[] bytes) throws IOException, DamagedLibraryException {
    URL sidecar = new URL(resource, LIBRARY_FILE + ".sha256");
    String expected;
    try (InputStream in = sidecar.openStream()) {
      expected = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).trim().split("\\s+")[0];
    } catch (java.io.FileNotFoundException e) {
      expected = null; // a library built by hand, without the sidecar: the structural check below still applies
    }
    if (expected != null && !expected.equalsIgnoreCase(HexFormat.of().formatHex(sha256(bytes)))) {
      throw new DamagedLibraryException("the jar's " + RESOURCE + " does not match its SHA-256 (" + expected
          + "): a damaged jar");
    }
    Optional<String> problem = SharedLibraryCheck.problem(bytes);
    if (problem.isPresent()) {
      throw new DamagedLibraryException("the jar's " + RESOURCE + " is not a loadable x86-64 shared library: "
          + problem.get());
    }
  }

  private static void createPrivateDirectory(Path dir) throws IOException {
    boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    if (!Files.isDirectory(dir)) {
      try {
        if (posix) {
          Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
          Files.createDirectories(dir);
        }
      } catch (java.nio.file.FileAlreadyExistsException e) {
        // another JVM created it in between; checked below
      }
    }
    String me = System.getProperty("user.name");
    String owner = Files.getOwner(dir).getName();
    if (posix && me != null && !owner.equals(me)) {
      throw new IOException(dir + " belongs to " + owner + ", not to " + me + "; refusing to load code from it");
    }
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  private static String safeName(String user) {
    return user == null ? "user" : user.replaceAll("[^A-Za-z0-9._-]", "_");
  }
}
