package dev.align4j.cuda;

import java.nio.Buffer;

/**
 * The JNI binding of {@code libalign4j_cuda.so} (C side: {@code src/main/native/jni_binding.cpp}, over the C ABI of
 * {@code align4j_cuda.h}). Every method returns a {@code cudaError_t} value, 0 for success; {@link CudaException}
 * turns the others into exceptions. Pointers are {@code long}s; {@code backend} is {@link Backend#code()}.
 *
 * <p>Signature drift is caught twice: the C side is compiled against the header {@code javac -h} generates from this
 * class (a changed parameter type no longer compiles), and {@code JNI_OnLoad} registers every method by name and
 * descriptor (a renamed or added method fails the load, and a test checks that the table covers every method here).
 * Change {@link #ABI_VERSION} together with {@code A4J_ABI_VERSION} whenever a signature changes.
 *
 * <p>JNI rather than JNA: a JNI call costs nanoseconds and pins a Java array without copying it, where JNA copies
 * (600 ms for a 131 MB array).
 */
final class NativeCuda {
  /** Must equal {@code A4J_ABI_VERSION} of the loaded library. */
  static final int ABI_VERSION = 1;

  private NativeCuda() {}

  static native int abiVersion();

  /** {@code "name descriptor"} of every entry of the native registration table. */
  static native String[] registeredMethods();

  static native String errorName(int code);

  static native String errorString(int code);

  /** {@code out[0]} = CUDA runtime version of the library (e.g. 13000), {@code out[1]} = driver version (0: none). */
  static native int versions(int[] out);

  static native int deviceCount(int[] count);

  /**
   * {@code numbers} = [major, minor, multiprocessors, memory pools (0/1), driver version, runtime version, total
   * memory in bytes]; {@code name[0]} = the device's name.
   */
  static native int deviceInfo(int device, long[] numbers, String[] name);

  static native int selfTest();

  static native int malloc(int backend, long bytes, long[] address);

  static native int free(int backend, long address);

  static native int copyFloatsIn(int backend, long dst, float[] src, int offset, int count);

  static native int copyIntsIn(int backend, long dst, int[] src, int offset, int count);

  static native int copyFloatsOut(int backend, long src, float[] dst, int offset, int count);

  static native int copyIntsOut(int backend, long src, int[] dst, int offset, int count);

  /** Copies {@code bytes} from a direct buffer, starting {@code byteOffset} bytes after its address. */
  static native int copyBufferIn(int backend, long dst, Buffer src, long byteOffset, long bytes);

  static native int copyBufferOut(int backend, long src, Buffer dst, long byteOffset, long bytes);

  static native int copyWithin(int backend, long dst, long src, long bytes);

  static native int synchronize(int backend);

  static native int eventCreate(long[] event);

  static native int eventRecord(long event);

  static native int eventElapsedMillis(long start, long end, float[] millis);

  static native int eventDestroy(long event);

  static native int tokenLogprobsEntropy(int backend, long logits, long tokens, int rows, int vocab,
      float invTemperature, long logprobsOut, long entropyOut);

  static native int fullKl(int backend, long logits, long refLogits, int rows, int vocab, long out);

  static native int klPerToken(int backend, long logprobs, long refLogprobs, long mask, long n, int estimator,
      long out);

  static native int klPenalizedRewards(int backend, long scores, long logprobs, long refLogprobs, long mask,
      long containEos, int batch, int time, double klCoef, int estimator, int placement, int hasPenalty,
      double penalty, long rewardsOut, long klOut, long scoreIndexOut);

  static native int gae(int backend, long rewards, long values, long mask, int batch, int time, double gamma,
      double gammaLambda, int whitenRewards, int placement, long advantagesOut, long rawOut, long returnsOut);

  static native int whiten(int backend, long values, long mask, long n, int keepMean, long out);

  static native int groupAdvantages(int backend, long rewards, int count, int functions, int groupSize, int scaling,
      int aggregation, long weights, long out);
}
