package dev.align4j.core.model.safetensors;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one safetensors file: 8 bytes of little-endian header length N, N bytes of UTF-8 JSON, then the data buffer.
 *
 * <p>Everything in the header is checked when the file is opened, before any data is read: the header length fits
 * the file and a 100 MB bound; the JSON is an object without duplicate names; every entry has a known dtype, a
 * non-negative shape and offsets inside the data buffer whose span equals shape × dtype size; entries do not overlap.
 * Any violation is a {@link SafetensorsException} naming the file and the tensor.
 */
public final class SafetensorsReader implements AutoCloseable {
  /** Upper bound on the JSON header; real headers are a few hundred kilobytes. */
  public static final long MAX_HEADER_BYTES = 100L << 20;

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private final Path file;
  private final FileChannel channel;
  private final long dataStart;
  private final Map<String, TensorInfo> tensors;
  private final Map<String, String> metadata;

  private SafetensorsReader(Path file, FileChannel channel, long dataStart, Map<String, TensorInfo> tensors,
      Map<String, String> metadata) {
    this.file = file;
    this.channel = channel;
    this.dataStart = dataStart;
    this.tensors = tensors;
    this.metadata = metadata;
  }

  /** Opens and validates a file. */
  public static SafetensorsReader open(Path file) throws IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
    try {
      long size = ch.size();
      if (size < 8) {
        throw new SafetensorsException(file, null, "file is " + size + " bytes, shorter than the 8-byte header length");
      }
      ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, lenBuf, 0, file);
      long headerLen = lenBuf.flip().getLong();
      if (headerLen < 2 || headerLen > size - 8) {
        throw new SafetensorsException(file, null, "header length " + Long.toUnsignedString(headerLen)
            + " does not fit the file of " + size + " bytes (truncated or not a safetensors file)");
      }
      if (headerLen > MAX_HEADER_BYTES) {
        throw new SafetensorsException(file, null,
            "header length " + headerLen + " exceeds the bound of " + MAX_HEADER_BYTES + " bytes");
      }
      ByteBuffer header = ByteBuffer.allocate((int) headerLen);
      readFully(ch, header, 8, file);
      String json = new String(header.array(), StandardCharsets.UTF_8);
      long dataStart = 8 + headerLen;
      long dataLen = size - dataStart;
      Map<String, String> meta = new LinkedHashMap<>();
      Map<String, TensorInfo> entries = parseHeader(file, json, dataLen, meta);
      return new SafetensorsReader(file, ch, dataStart, entries, meta);
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  private static Map<String, TensorInfo> parseHeader(Path file, String json, long dataLen, Map<String, String> meta)
      throws SafetensorsException {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      String msg = e.getOriginalMessage();
      if (msg != null && msg.startsWith("Duplicate field")) {
        throw new SafetensorsException(file, msg.replaceAll(".*'(.*)'.*", "$1"), "duplicate tensor name in header");
      }
      throw new SafetensorsException(file, null, "header is not valid JSON: " + msg);
    }
    if (root == null || !root.isObject()) {
      throw new SafetensorsException(file, null, "header is not a JSON object");
    }
    Map<String, TensorInfo> out = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = root.properties().iterator();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = e.getKey();
      JsonNode v = e.getValue();
      if (name.equals("__metadata__")) {
        if (!v.isObject()) {
          throw new SafetensorsException(file, null, "__metadata__ must be an object of strings");
        }
        v.properties().forEach(m -> meta.put(m.getKey(), m.getValue().asText()));
        continue;
      }
      out.put(name, parseEntry(file, name, v, dataLen));
    }
    checkNoOverlap(file, out);
    return Collections.unmodifiableMap(out);
  }

  private static TensorInfo parseEntry(Path file, String name, JsonNode v, long dataLen)
      throws SafetensorsException {
    if (!v.isObject()) {
      throw new SafetensorsException(file, name, "entry is not an object");
    }
    JsonNode dt = v.get("dtype");
    if (dt == null || !dt.isTextual()) {
      throw new SafetensorsException(file, name, "missing dtype");
    }
    DType dtype;
    try {
      dtype = DType.valueOf(dt.asText());
    } catch (IllegalArgumentException ex) {
      throw new SafetensorsException(file, name, "unsupported dtype " + dt.asText());
    }
    JsonNode sh = v.get("shape");
    if (sh == null || !sh.isArray()) {
      throw new SafetensorsException(file, name, "missing shape");
    }
    long[] shape = new long[sh.size()];
    long elements = 1;
    for (int i = 0; i < shape.length; i++) {
      JsonNode d = sh.get(i);
      if (!d.isIntegralNumber() || d.asLong() < 0 || !d.canConvertToLong()) {
        throw new SafetensorsException(file, name, "shape entry " + i + " is not a non-negative integer: " + d);
      }
      shape[i] = d.asLong();
      try {
        elements = Math.multiplyExact(elements, shape[i]);
      } catch (ArithmeticException overflow) {
        throw new SafetensorsException(file, name, "shape " + sh + " overflows a 64-bit element count");
      }
    }
    JsonNode off = v.get("data_offsets");
    if (off == null || !off.isArray() || off.size() != 2 || !off.get(0).isIntegralNumber()
        || !off.get(1).isIntegralNumber()) {
      throw new SafetensorsException(file, name, "data_offsets must be [begin, end]");
    }
    long begin = off.get(0).asLong();
    long end = off.get(1).asLong();
    if (begin < 0 || end < begin || end > dataLen) {
      throw new SafetensorsException(file, name, "data_offsets [" + begin + ", " + end
          + "] lie outside the data buffer of " + dataLen + " bytes");
    }
    if (elements > Long.MAX_VALUE / dtype.bytes()
        || elements * dtype.bytes() != end - begin) {
      throw new SafetensorsException(file, name, "shape " + java.util.Arrays.toString(shape) + " x " + dtype
          + " (" + dtype.bytes() + " bytes) does not match the " + (end - begin) + " bytes of data_offsets");
    }
    return new TensorInfo(name, dtype, shape, begin, end);
  }

  private static void checkNoOverlap(Path file, Map<String, TensorInfo> entries) throws SafetensorsException {
    List<TensorInfo> sorted = new ArrayList<>(entries.values());
    sorted.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
    for (int i = 1; i < sorted.size(); i++) {
      TensorInfo prev = sorted.get(i - 1);
      TensorInfo cur = sorted.get(i);
      if (cur.begin() < prev.end()) {
        throw new SafetensorsException(file, cur.name(), "data overlaps tensor '" + prev.name() + "'");
      }
    }
  }

  /** The file. */
  public Path file() {
    return file;
  }

  /** Header entries by name, in header order. */
  public Map<String, TensorInfo> tensors() {
    return tensors;
  }

  /** The {@code __metadata__} strings. */
  public Map<String, String> metadata() {
    return Collections.unmodifiableMap(metadata);
  }

  /** Reads a floating-point tensor as float32 (F16 and BF16 widened, F64 narrowed). */
  public float[] readFloats(String name) throws IOException {
    TensorInfo info = tensors.get(name);
    if (info == null) {
      throw new SafetensorsException(file, name, "no such tensor; the file has " + tensors.size() + " tensors");
    }
    if (!info.dtype().isFloating()) {
      throw new SafetensorsException(file, name, "dtype " + info.dtype() + " cannot be read as float");
    }
    if (info.elements() > Integer.MAX_VALUE - 8) {
      throw new SafetensorsException(file, name, "has " + info.elements() + " elements, more than one Java array");
    }
    int n = (int) info.elements();
    float[] out = new float[n];
    int chunkElems = Math.max(1, (1 << 24) / info.dtype().bytes());
    ByteBuffer buf = ByteBuffer.allocate(Math.min(n, chunkElems) * info.dtype().bytes())
        .order(ByteOrder.LITTLE_ENDIAN);
    int done = 0;
    long pos = dataStart + info.begin();
    while (done < n) {
      int count = Math.min(chunkElems, n - done);
      buf.clear().limit(count * info.dtype().bytes());
      readFully(channel, buf, pos, file);
      buf.flip();
      decode(info.dtype(), buf, out, done, count);
      pos += (long) count * info.dtype().bytes();
      done += count;
    }
    return out;
  }

  private static void decode(DType dtype, ByteBuffer buf, float[] out, int off, int count) {
    switch (dtype) {
      case F32 -> buf.asFloatBuffer().get(out, off, count);
      case F64 -> {
        for (int i = 0; i < count; i++) {
          out[off + i] = (float) buf.getDouble();
        }
      }
      case F16 -> {
        for (int i = 0; i < count; i++) {
          out[off + i] = halfToFloat(buf.getShort());
        }
      }
      case BF16 -> {
        for (int i = 0; i < count; i++) {
          out[off + i] = Float.intBitsToFloat((buf.getShort() & 0xffff) << 16); // bf16 is the top half of f32
        }
      }
      default -> throw new IllegalStateException("not a floating dtype: " + dtype);
    }
  }

  /** IEEE 754 binary16 to float32 (Java 17 has no {@code Float.float16ToFloat}). */
  static float halfToFloat(short h) {
    int bits = h & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exp = (bits >>> 10) & 0x1f;
    int mant = bits & 0x3ff;
    if (exp == 0x1f) { // infinity or NaN
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    if (exp == 0) {
      if (mant == 0) {
        return Float.intBitsToFloat(sign); // signed zero
      }
      float v = mant * 0x1p-24f; // subnormal: mant × 2^-24
      return sign != 0 ? -v : v;
    }
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13)); // rebias 15 → 127
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long pos, Path file) throws IOException {
    long p = pos;
    while (buf.hasRemaining()) {
      int r = ch.read(buf, p);
      if (r < 0) {
        throw new SafetensorsException(file, null, "unexpected end of file at byte " + p);
      }
      p += r;
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
