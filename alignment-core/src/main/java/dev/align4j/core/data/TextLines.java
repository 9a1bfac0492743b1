package dev.align4j.core.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A user's text file, line by line. The bytes are split on {@code \n} and each line is decoded on its own, so every
 * problem names its line: bytes that are not UTF-8 (a whole-file decoder reports no line), and a line longer than
 * {@link #MAX_LINE_BYTES} (so a file without newlines cannot fill the heap). A {@code \r} before the {@code \n} is
 * dropped, and so is a byte-order mark at the start of the file (as Python's {@code utf-8-sig} reads it).
 */
public final class TextLines {
  /** The longest line read, in bytes of UTF-8: 64 MiB, far above any training record. */
  public static final int MAX_LINE_BYTES = 64 << 20;

  /**
   * One line.
   *
   * @param number 1-based
   * @param text the line without its terminator
   */
  public record Line(int number, String text) {}

  private TextLines() {}

  /**
   * Every line of {@code file}, blank ones included; a last line without a newline counts, an empty one after the
   * last newline does not (as {@link Files#readAllLines}).
   *
   * @throws DataFileException naming the line when it is not UTF-8 or longer than {@link #MAX_LINE_BYTES}
   * @throws IOException when the file cannot be read
   */
  public static List<Line> read(Path file) throws IOException {
    return read(file, MAX_LINE_BYTES);
  }

  static List<Line> read(Path file, int maxLineBytes) throws IOException {
    List<Line> out = new ArrayList<>();
    CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    byte[] chunk = new byte[1 << 16];
    int number = 1;
    try (InputStream in = Files.newInputStream(file)) {
      for (int r = in.read(chunk); r >= 0; r = in.read(chunk)) {
        int start = 0;
        for (int i = 0; i < r; i++) {
          if (chunk[i] == '\n') {
            append(file, number, line, chunk, start, i - start, maxLineBytes);
            out.add(new Line(number, decode(file, number, line, utf8)));
            line.reset();
            number++;
            start = i + 1;
          }
        }
        append(file, number, line, chunk, start, r - start, maxLineBytes);
      }
    }
    if (line.size() > 0) {
      out.add(new Line(number, decode(file, number, line, utf8)));
    }
    return out;
  }

  private static void append(Path file, int number, ByteArrayOutputStream line, byte[] chunk, int from, int length,
      int max) {
    if ((long) line.size() + length > max) {
      throw new DataFileException(file, number, null, "the line is longer than " + max + " bytes", "a JSONL line"
          + " holds one record; split the file's records onto lines");
    }
    line.write(chunk, from, length);
  }

  private static String decode(Path file, int number, ByteArrayOutputStream line, CharsetDecoder utf8) {
    byte[] b = line.toByteArray();
    int from = number == 1 && b.length >= 3 && (b[0] & 0xff) == 0xef && (b[1] & 0xff) == 0xbb
        && (b[2] & 0xff) == 0xbf ? 3 : 0;
    int to = b.length > from && b[b.length - 1] == '\r' ? b.length - 1 : b.length;
    try {
      return utf8.reset().decode(ByteBuffer.wrap(b, from, to - from)).toString();
    } catch (CharacterCodingException e) {
      throw new DataFileException(file, number, null, "the line holds bytes that are not UTF-8", "save the file"
          + " as UTF-8");
    }
  }
}
