package dev.align4j.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * DeviceTensor's copies, bounds and life cycle, on the host-emulation backend (host memory behind the same JNI
 * copies); {@code GpuKernelsTest} repeats the round trips on a device.
 */
class DeviceTensorTest {

  @BeforeEach
  void library() {
    NativeLibraryAssumption.assumeLibraryLoaded();
  }

  private static DeviceTensor floats(long n) {
    return DeviceTensor.allocate(Backend.HOST_EMULATION, DeviceTensor.DType.FLOAT32, n);
  }

  @Test
  void arraysRoundTrip() {
    float[] values = {1.5f, -2f, 3.25f, Float.MIN_VALUE, -0f};
    try (DeviceTensor t = DeviceTensor.upload(Backend.HOST_EMULATION, values)) {
      float[] back = new float[5];
      t.copyTo(back);
      assertArrayEquals(values, back);
      float[] part = new float[7];
      t.copyTo(part, 2, 3);
      assertArrayEquals(new float[] {0, 0, 1.5f, -2f, 3.25f, 0, 0}, part);
      t.copyFrom(new float[] {9, 8, 7, 6}, 1, 2);
      t.copyTo(back);
      assertArrayEquals(new float[] {8, 7, 3.25f, Float.MIN_VALUE, -0f}, back);
    }
    int[] ids = {0, 7, -3, Integer.MAX_VALUE};
    try (DeviceTensor t = DeviceTensor.upload(Backend.HOST_EMULATION, ids)) {
      int[] back = new int[4];
      t.copyTo(back, 0, 4);
      assertArrayEquals(ids, back);
      assertEquals(DeviceTensor.DType.INT32, t.dtype());
      assertEquals(16, t.bytes());
    }
  }

  @Test
  void directBuffersRoundTripFromTheirPosition() {
    ByteBuffer bytes = ByteBuffer.allocateDirect(6 * 4).order(ByteOrder.nativeOrder());
    FloatBuffer in = bytes.asFloatBuffer();
    in.put(new float[] {0, 1, 2, 3, 4, 5});
    in.position(2);
    try (DeviceTensor t = floats(4)) {
      t.copyFrom(in);
      assertEquals(2, in.position(), "the position does not move");
      float[] back = new float[4];
      t.copyTo(back);
      assertArrayEquals(new float[] {2, 3, 4, 5}, back);
      FloatBuffer out = ByteBuffer.allocateDirect(4 * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
      t.copyTo(out);
      assertEquals(3f, out.get(1));
      ByteBuffer raw = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
      t.copyTo(raw);
      assertEquals(2f, raw.getFloat(0));
      assertEquals(3f, raw.getFloat(4));
      raw.putFloat(0, 42f);
      t.copyFrom(raw);
      t.copyTo(back);
      assertArrayEquals(new float[] {42, 3, 4, 5}, back);
    }
    IntBuffer ints = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder()).asIntBuffer().put(0, 5).put(1, 6);
    try (DeviceTensor t = DeviceTensor.allocate(Backend.HOST_EMULATION, DeviceTensor.DType.INT32, 2)) {
      t.copyFrom(ints);
      int[] back = new int[2];
      t.copyTo(back, 0, 2);
      assertArrayEquals(new int[] {5, 6}, back);
    }
  }

  @Test
  void badCopiesAreRefusedWithTheValues() {
    try (DeviceTensor t = floats(4)) {
      assertEquals("src range [3, 3 + 2) is outside its length 4",
          assertThrows(IllegalArgumentException.class, () -> t.copyFrom(new float[4], 3, 2)).getMessage());
      assertEquals("5 elements do not fit a tensor of 4",
          assertThrows(IllegalArgumentException.class, () -> t.copyFrom(new float[5])).getMessage());
      assertEquals("this tensor holds FLOAT32, not INT32",
          assertThrows(IllegalArgumentException.class, () -> t.copyFrom(new int[1], 0, 1)).getMessage());
      assertEquals("src must be a direct buffer (heap buffers: copy through an array)",
          assertThrows(IllegalArgumentException.class, () -> t.copyFrom(ByteBuffer.allocate(4))).getMessage());
      FloatBuffer swapped = ByteBuffer.allocateDirect(8).order(
          ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN)
          .asFloatBuffer();
      assertTrue(assertThrows(IllegalArgumentException.class, () -> t.copyFrom(swapped)).getMessage()
          .startsWith("src must be in native byte order"));
      assertEquals("src holds 20 bytes, more than the tensor's 16", assertThrows(IllegalArgumentException.class,
          () -> t.copyFrom(ByteBuffer.allocateDirect(20))).getMessage());
    }
    assertEquals("elements must be >= 0, got -1", assertThrows(IllegalArgumentException.class, () -> floats(-1))
        .getMessage());
  }

  @Test
  void closedTensorsRefuseCopiesAndCloseTwice() {
    DeviceTensor t = floats(3);
    assertTrue(t.isOpen());
    t.close();
    t.close();
    assertFalse(t.isOpen());
    assertEquals("this DeviceTensor is closed",
        assertThrows(IllegalStateException.class, () -> t.copyTo(new float[3])).getMessage());
    assertEquals("DeviceTensor[FLOAT32 x 3, closed]", t.toString());
  }

  @Test
  void emptyTensorsCopyNothing() {
    try (DeviceTensor t = floats(0)) {
      t.copyFrom(new float[0]);
      t.copyTo(new float[0]);
      assertEquals(0, t.bytes());
    }
  }
}
