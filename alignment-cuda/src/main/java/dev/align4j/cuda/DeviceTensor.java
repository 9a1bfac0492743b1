package dev.align4j.cuda;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.lang.ref.Cleaner;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;

/**
 * A flat block of GPU memory holding {@code float}s or {@code int}s, with copies from and to Java arrays and direct
 * buffers. Close it (try-with-resources) to give the memory back; a tensor that is never closed is freed after it
 * becomes unreachable, but GPU memory runs out long before the Java heap notices.
 *
 * <p>Copies are synchronous: a copy to the host waits for the kernels queued before it, and any error of theirs
 * surfaces there as a {@link CudaException}. Copies from a Java array read the pinned array directly. Not
 * thread-safe; {@link #close()} may be called more than once.
 */
public final class DeviceTensor implements AutoCloseable {
  private static final Cleaner CLEANER = Cleaner.create();

  /** The element type. */
  public enum DType {
    /** 32-bit IEEE floats. */
    FLOAT32,
    /** 32-bit signed integers (token ids, indices). */
    INT32;

    /** Bytes per element. */
    public int bytes() {
      return 4;
    }
  }

  private final Backend backend;
  private final DType dtype;
  private final long elements;
  private final Memory memory;
  private final Cleaner.Cleanable cleanable;

  /** The allocation, freed exactly once by {@link #close()} or the cleaner. */
  private static final class Memory implements Runnable {
    private final Backend backend;
    private final long address;
    private volatile boolean freed;

    Memory(Backend backend, long address) {
      this.backend = backend;
      this.address = address;
    }

    @Override
    public void run() {
      freed = true;
      if (address != 0) {
        NativeCuda.free(backend.code(), address); // an error here would only repeat an earlier, already reported one
      }
    }
  }

  private DeviceTensor(Backend backend, DType dtype, long elements, long address) {
    this.backend = backend;
    this.dtype = dtype;
    this.elements = elements;
    this.memory = new Memory(backend, address);
    this.cleanable = CLEANER.register(this, memory);
  }

  /**
   * Allocates {@code elements} uninitialised elements on the GPU.
   *
   * @throws IllegalStateException if CUDA is not usable here ({@link CudaKernelProvider#status()} says why)
   * @throws CudaException if the allocation fails
   */
  public static DeviceTensor allocate(DType dtype, long elements) {
    return allocate(Backend.DEVICE, dtype, elements);
  }

  /** A new tensor holding a copy of {@code values}. */
  public static DeviceTensor of(float[] values) {
    return upload(Backend.DEVICE, values);
  }

  /** A new tensor holding a copy of {@code values}. */
  public static DeviceTensor of(int[] values) {
    return upload(Backend.DEVICE, values);
  }

  static DeviceTensor allocate(Backend backend, DType dtype, long elements) {
    checkNotNull(dtype, "dtype");
    checkArgument(elements >= 0, "elements must be >= 0, got %s", elements);
    requireReady(backend);
    long[] address = new long[1];
    long bytes = Math.multiplyExact(elements, (long) dtype.bytes());
    CudaException.check(NativeCuda.malloc(backend.code(), bytes, address),
        (backend == Backend.DEVICE ? "cudaMalloc of " : "malloc of ") + bytes + " bytes");
    return new DeviceTensor(backend, dtype, elements, address[0]);
  }

  static DeviceTensor upload(Backend backend, float[] values) {
    checkNotNull(values, "values");
    DeviceTensor t = allocate(backend, DType.FLOAT32, values.length);
    try {
      t.copyFrom(values, 0, values.length);
    } catch (RuntimeException e) {
      t.close();
      throw e;
    }
    return t;
  }

  static DeviceTensor upload(Backend backend, int[] values) {
    checkNotNull(values, "values");
    DeviceTensor t = allocate(backend, DType.INT32, values.length);
    try {
      t.copyFrom(values, 0, values.length);
    } catch (RuntimeException e) {
      t.close();
      throw e;
    }
    return t;
  }

  static void requireReady(Backend backend) {
    CudaStatus status = CudaLibrary.status();
    boolean ready = backend == Backend.DEVICE ? status.usable() : status.libraryLoaded();
    if (!ready) {
      throw new IllegalStateException("CUDA is not usable here: " + status.detail()
          + " (KernelProviders.best() falls back to the CPU provider)");
    }
  }

  /** The element type. */
  public DType dtype() {
    return dtype;
  }

  /** The number of elements. */
  public long elements() {
    return elements;
  }

  /** The size in bytes. */
  public long bytes() {
    return elements * dtype.bytes();
  }

  /** Whether {@link #close()} has not been called yet. */
  public boolean isOpen() {
    return !memory.freed;
  }

  /** Copies {@code src[offset, offset + count)} into elements {@code [0, count)}. */
  public void copyFrom(float[] src, int offset, int count) {
    checkArrayRange(DType.FLOAT32, src == null ? -1 : src.length, offset, count, "src");
    CudaException.check(NativeCuda.copyFloatsIn(backend.code(), address(), src, offset, count), copyName(true));
  }

  /** Copies all of {@code src} into the first {@code src.length} elements. */
  public void copyFrom(float[] src) {
    checkNotNull(src, "src");
    copyFrom(src, 0, src.length);
  }

  /** Copies {@code src[offset, offset + count)} into elements {@code [0, count)}. */
  public void copyFrom(int[] src, int offset, int count) {
    checkArrayRange(DType.INT32, src == null ? -1 : src.length, offset, count, "src");
    CudaException.check(NativeCuda.copyIntsIn(backend.code(), address(), src, offset, count), copyName(true));
  }

  /** Copies elements {@code [0, count)} into {@code dst[offset, offset + count)}. */
  public void copyTo(float[] dst, int offset, int count) {
    checkArrayRange(DType.FLOAT32, dst == null ? -1 : dst.length, offset, count, "dst");
    CudaException.check(NativeCuda.copyFloatsOut(backend.code(), address(), dst, offset, count), copyName(false));
  }

  /** Copies the first {@code dst.length} elements into {@code dst}. */
  public void copyTo(float[] dst) {
    checkNotNull(dst, "dst");
    copyTo(dst, 0, dst.length);
  }

  /** Copies elements {@code [0, count)} into {@code dst[offset, offset + count)}. */
  public void copyTo(int[] dst, int offset, int count) {
    checkArrayRange(DType.INT32, dst == null ? -1 : dst.length, offset, count, "dst");
    CudaException.check(NativeCuda.copyIntsOut(backend.code(), address(), dst, offset, count), copyName(false));
  }

  /**
   * Copies the remaining bytes of a direct buffer (from its position to its limit) to the start of the tensor; the
   * buffer's position does not move. The bytes are copied as they are: write them in {@link ByteOrder#nativeOrder()}.
   */
  public void copyFrom(ByteBuffer src) {
    copyBuffer(src, 1, true);
  }

  /** Copies the remaining floats of a direct, native-order buffer to the start of the tensor. */
  public void copyFrom(FloatBuffer src) {
    checkNative(src == null ? null : src.order(), "src");
    copyBuffer(src, Float.BYTES, true);
  }

  /** Copies the remaining ints of a direct, native-order buffer to the start of the tensor. */
  public void copyFrom(IntBuffer src) {
    checkNative(src == null ? null : src.order(), "src");
    copyBuffer(src, Integer.BYTES, true);
  }

  /** Fills the remaining bytes of a direct buffer from the start of the tensor; the position does not move. */
  public void copyTo(ByteBuffer dst) {
    copyBuffer(dst, 1, false);
  }

  /** Fills the remaining floats of a direct, native-order buffer from the start of the tensor. */
  public void copyTo(FloatBuffer dst) {
    checkNative(dst == null ? null : dst.order(), "dst");
    copyBuffer(dst, Float.BYTES, false);
  }

  /** Frees the memory. Further copies throw {@link IllegalStateException}. */
  @Override
  public void close() {
    cleanable.clean();
  }

  @Override
  public String toString() {
    return "DeviceTensor[" + dtype + " x " + elements + (isOpen() ? "" : ", closed") + "]";
  }

  /** The device (or, for the host emulation, host) address; throws once closed. */
  long address() {
    if (memory.freed) {
      throw new IllegalStateException("this DeviceTensor is closed");
    }
    return memory.address;
  }

  Backend backend() {
    return backend;
  }

  private void copyBuffer(Buffer buffer, int elementBytes, boolean in) {
    String name = in ? "src" : "dst";
    checkNotNull(buffer, "%s must not be null", name);
    checkArgument(buffer.isDirect(), "%s must be a direct buffer (heap buffers: copy through an array)", name);
    long bytes = (long) buffer.remaining() * elementBytes;
    checkArgument(bytes <= bytes(), "%s holds %s bytes, more than the tensor's %s", name, bytes, bytes());
    long offset = (long) buffer.position() * elementBytes;
    int rc = in
        ? NativeCuda.copyBufferIn(backend.code(), address(), buffer, offset, bytes)
        : NativeCuda.copyBufferOut(backend.code(), address(), buffer, offset, bytes);
    CudaException.check(rc, copyName(in));
  }

  private void checkArrayRange(DType wanted, int length, int offset, int count, String name) {
    checkArgument(length >= 0, "%s must not be null", name);
    checkArgument(dtype == wanted, "this tensor holds %s, not %s", dtype, wanted);
    checkArgument(offset >= 0 && count >= 0 && (long) offset + count <= length,
        "%s range [%s, %s + %s) is outside its length %s", name, offset, offset, count, length);
    checkArgument(count <= elements, "%s elements do not fit a tensor of %s", count, elements);
  }

  private static void checkNative(ByteOrder order, String name) {
    checkArgument(order != null, "%s must not be null", name);
    checkArgument(order == ByteOrder.nativeOrder(), "%s must be in native byte order (%s), got %s", name,
        ByteOrder.nativeOrder(), order);
  }

  private String copyName(boolean in) {
    if (backend == Backend.HOST_EMULATION) {
      return "memcpy";
    }
    return in ? "cudaMemcpy host to device" : "cudaMemcpy device to host";
  }
}
