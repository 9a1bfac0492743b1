package dev.align4j.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Broken and hostile TRL JSONL files, of every dataset type the readers take, end in the documented errors: a
 * {@link DataFileException} naming the file and a line of it, or an {@link IOException} naming the file (no such file,
 * no data lines); never another exception, a hang or an out-of-memory. Each try starts from valid lines and applies
 * seeded byte-level and JSON-level damage.
 */
class DataFileFuzzProperties {
  /** Valid lines of each reader's format (TRL's dataset types). */
  private static final String[][] VALID = {
      // demonstrations: prompt-completion, conversational prompt-completion, messages, language modelling
      {"{\"prompt\": \"count: a b\", \"completion\": \"2\"}",
          "{\"prompt\": [{\"role\": \"user\", \"content\": \"hi\"}], \"completion\": [{\"role\": \"assistant\","
              + " \"content\": \"hello\"}]}",
          "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}, {\"role\": \"assistant\", \"content\": \"yo\"}]}",
          "{\"text\": \"free text to continue\"}"},
      // preferences: explicit prompt, implicit prompt, conversational, with margin and soft label
      {"{\"prompt\": \"max: 3 9\", \"chosen\": \"9\", \"rejected\": \"3\"}",
          "{\"chosen\": [{\"role\": \"user\", \"content\": \"q\"}, {\"role\": \"assistant\", \"content\": \"a\"}],"
              + " \"rejected\": [{\"role\": \"user\", \"content\": \"q\"}, {\"role\": \"assistant\", \"content\": \"b\"}]}",
          "{\"prompt\": \"p\", \"chosen\": \"x\", \"rejected\": \"y\", \"margin\": 1.5, \"p_chosen\": 0.8}"},
      // prompts, with extra fields
      {"{\"prompt\": \"sort: c a b\", \"answer\": \"a b c\"}",
          "{\"prompt\": [{\"role\": \"user\", \"content\": \"2+2?\"}], \"id\": 7}"},
      // label requests
      {"{\"prompt\": \"p\", \"completions\": [\"a\", \"b\"]}",
          "{\"id\": \"x1\", \"prompt\": \"q\", \"completions\": [\"c\", \"d\"], \"label\": 1}"}};

  private static final String[] HOSTILE = {"null", "true", "-0", "1e400", "NaN", "\"\\ud800\"", "\"\\u0000\"",
      "[]", "{}", "[[[[[[[[[[]]]]]]]]]]", "\"" + "x".repeat(5000) + "\"", "12345678901234567890123456789",
      "[{\"role\": 1}]", "[{\"role\": \"user\"}]", "{\"role\": \"user\", \"content\": \"hi\"}", "\"\\\"\""};

  enum Reader { DEMONSTRATIONS, PREFERENCES, PROMPTS, LABEL_REQUESTS }

  @Property(tries = 1000)
  void everyDamagedFileEndsInADocumentedError(@ForAll Reader reader, @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 6) int damage) throws Exception {
    Random rnd = new Random(seed);
    String[] valid = VALID[reader.ordinal()];
    StringBuilder text = new StringBuilder();
    int lines = 1 + rnd.nextInt(4);
    for (int i = 0; i < lines; i++) {
      text.append(valid[rnd.nextInt(valid.length)]).append(rnd.nextInt(8) == 0 ? "\r\n" : "\n");
    }
    byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
    for (int d = 0; d < damage; d++) {
      bytes = damage(bytes, rnd);
    }
    Path file = Files.createTempFile("fuzz", ".jsonl");
    try {
      Files.write(file, bytes);
      int lineCount = countLines(bytes);
      try {
        read(reader, file);
      } catch (DataFileException e) {
        Matcher m = Pattern.compile("^" + Pattern.quote(file.toString()) + ":(\\d+)(: |$)").matcher(e.getMessage());
        assertTrue(m.find(), "the error names the file and line: " + e.getMessage());
        int line = Integer.parseInt(m.group(1));
        assertTrue(line >= 1 && line <= lineCount, "line " + line + " of " + lineCount + ": " + e.getMessage());
      } catch (IOException e) {
        assertTrue(e.getMessage().startsWith(file.toString()), "the error names the file: " + e.getMessage());
      } catch (RuntimeException | Error other) {
        throw new AssertionError(reader + " raised an undocumented " + other + " on:\n"
            + new String(bytes, StandardCharsets.UTF_8), other);
      }
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /** One seeded damage: bytes flipped, cut, inserted (including non-UTF-8), duplicated, or a value made hostile. */
  private static byte[] damage(byte[] b, Random rnd) {
    int at = b.length == 0 ? 0 : rnd.nextInt(b.length);
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    switch (rnd.nextInt(7)) {
      case 0 -> {
        byte[] c = b.clone();
        if (c.length > 0) {
          c[at] = (byte) rnd.nextInt(256);
        }
        return c;
      }
      case 1 -> {
        return java.util.Arrays.copyOf(b, at);
      }
      case 2 -> {
        int len = Math.min(b.length - at, 1 + rnd.nextInt(12));
        o.write(b, 0, at);
        o.write(b, at + len, b.length - at - len);
      }
      case 3 -> {
        o.write(b, 0, at);
        for (int i = 0, n = 1 + rnd.nextInt(6); i < n; i++) {
          o.write(rnd.nextInt(256));       // 0x80–0xff alone are not UTF-8
        }
        o.write(b, at, b.length - at);
      }
      case 4 -> {
        int len = Math.min(b.length - at, 1 + rnd.nextInt(40));
        o.write(b, 0, at + len);
        o.write(b, at, b.length - at);
      }
      default -> {
        // a value after some ':' replaced by a hostile one, keeping the rest of the line
        String s = new String(b, StandardCharsets.UTF_8);
        int colon = s.indexOf(':', at);
        if (colon < 0) {
          return b;
        }
        int end = colon + 1;
        while (end < s.length() && ",}\n".indexOf(s.charAt(end)) < 0) {
          end++;
        }
        return (s.substring(0, colon + 1) + " " + HOSTILE[rnd.nextInt(HOSTILE.length)] + s.substring(end))
            .getBytes(StandardCharsets.UTF_8);
      }
    }
    return o.toByteArray();
  }

  private static int countLines(byte[] b) {
    int n = 1;
    for (byte x : b) {
      n += x == '\n' ? 1 : 0;
    }
    return n;
  }

  private static void read(Reader reader, Path file) throws IOException {
    switch (reader) {
      case DEMONSTRATIONS -> DataFiles.demonstrations(file, DataFiles.Dedup.KEEP);
      case PREFERENCES -> DataFiles.preferences(file, DataFiles.Dedup.DROP);
      case PROMPTS -> DataFiles.prompts(file);
      case LABEL_REQUESTS -> DataFiles.labelRequests(file);
    }
  }

  // ---- the stated limits -----------------------------------------------------------------------------------------

  @Test
  void aLineLongerThanTheLimitIsRefusedWithItsNumberBeforeItIsHeld() throws Exception {
    Path file = Files.createTempFile("long", ".jsonl");
    try {
      Files.writeString(file, VALID[2][0] + "\n" + "{\"prompt\": \"" + "x".repeat(5000) + "\"}\n");
      DataFileException e = assertThrows(DataFileException.class, () -> TextLines.read(file, 4096));
      assertTrue(e.getMessage().startsWith(file + ":2: the line is longer than 4096 bytes"), e.getMessage());
      assertEquals(2, TextLines.read(file, 8192).size());
      assertEquals(64 << 20, TextLines.MAX_LINE_BYTES, "README states 64 MiB");
    } finally {
      Files.deleteIfExists(file);
    }
  }

  @Test
  void bytesThatAreNotUtf8NameTheirLine() throws Exception {
    Path file = Files.createTempFile("latin1", ".jsonl");
    try {
      Files.write(file, ("{\"prompt\": \"a\"}\n{\"prompt\": \"caf").getBytes(StandardCharsets.UTF_8));
      Files.write(file, new byte[] {(byte) 0xe9, '"', '}', '\n'}, java.nio.file.StandardOpenOption.APPEND);
      DataFileException e = assertThrows(DataFileException.class, () -> DataFiles.prompts(file));
      assertTrue(e.getMessage().startsWith(file + ":2: the line holds bytes that are not UTF-8"), e.getMessage());
    } finally {
      Files.deleteIfExists(file);
    }
  }

  @Test
  void aByteOrderMarkAndWindowsLineEndsAreRead() throws Exception {
    Path file = Files.createTempFile("bom", ".jsonl");
    try {
      byte[] body = "{\"prompt\": \"a\"}\r\n{\"prompt\": \"b\"}\r\n".getBytes(StandardCharsets.UTF_8);
      byte[] withBom = new byte[body.length + 3];
      withBom[0] = (byte) 0xef;
      withBom[1] = (byte) 0xbb;
      withBom[2] = (byte) 0xbf;
      System.arraycopy(body, 0, withBom, 3, body.length);
      Files.write(file, withBom);
      assertEquals(2, DataFiles.prompts(file).size());
    } finally {
      Files.deleteIfExists(file);
    }
  }

  @Test
  void jsonDeeperThanJacksonsLimitIsADataError() throws Exception {
    int limit = StreamReadConstraints.defaults().getMaxNestingDepth();
    Path file = Files.createTempFile("deep", ".jsonl");
    try {
      Files.writeString(file, "{\"prompt\": \"a\", \"x\": " + "[".repeat(limit - 2) + "]".repeat(limit - 2) + "}\n");
      assertEquals(1, DataFiles.prompts(file).size(), "within the limit (" + limit + ") a line parses");
      Files.writeString(file, "{\"prompt\": \"a\", \"x\": " + "[".repeat(limit + 10) + "]".repeat(limit + 10)
          + "}\n");
      DataFileException e = assertThrows(DataFileException.class, () -> DataFiles.prompts(file));
      assertTrue(e.getMessage().startsWith(file + ":1: not valid JSON") && e.getMessage().contains("depth"),
          e.getMessage());
    } finally {
      Files.deleteIfExists(file);
    }
  }

  @Test
  void anEmptyOrBlankFileNamesTheFile() throws Exception {
    Path file = Files.createTempFile("empty", ".jsonl");
    try {
      for (String body : List.of("", "\n\n  \n")) {
        Files.writeString(file, body);
        IOException e = assertThrows(IOException.class, () -> DataFiles.prompts(file));
        assertEquals(file + ": no data lines", e.getMessage());
      }
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
