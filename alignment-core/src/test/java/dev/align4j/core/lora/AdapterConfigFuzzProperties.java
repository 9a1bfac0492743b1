package dev.align4j.core.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.align4j.core.model.HeadKind;
import dev.align4j.core.model.TransformerModel;
import dev.align4j.core.testing.Hostile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.Tag;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Broken and hostile {@code adapter_config.json} files end in an {@link IOException} whose message starts with the
 * file (and names the key, or the line and column of a syntax error), never in another exception, a hang or an
 * out-of-memory. Each try starts from PEFT's own file for the tiny Llama adapter and applies seeded {@link Hostile}
 * damage. Every file is read against a model loaded once ({@code AdapterFiles.readConfig}); a file that reads is then
 * loaded whole, onto a fresh model, with PEFT's weights beside it ({@link LoraAdapter#load}), since applying the
 * adapter is where a rank or a target list turns into memory.
 *
 * <p>The limits, stated and tested below: Jackson's defaults (nesting depth 1000, numbers of 1000 digits, strings of
 * 20,000,000 chars) and a rank that the weights file has (checked
 * before the adapter takes memory).
 */
class AdapterConfigFuzzProperties {
  private static final Duration PER_TRY = Duration.ofSeconds(10);
  private static String valid;
  private static Path weights;
  private static TransformerModel model;
  private static Path dir;

  @BeforeContainer
  static void setUp() throws Exception {
    Path adapter = LoraFixtures.resource("lora/tiny-llama-adapter");
    valid = Files.readString(adapter.resolve(AdapterFiles.CONFIG));
    weights = adapter.resolve(AdapterFiles.WEIGHTS);
    model = LoraFixtures.load("tiny-llama", HeadKind.LANGUAGE_MODEL);
    dir = Files.createTempDirectory("adapter-fuzz");
  }

  @AfterContainer
  static void tearDown() throws IOException {
    model.close();
    try (var s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Property(tries = 1000)
  void everyDamagedAdapterConfigEndsInAnIoExceptionNamingTheFile(@ForAll long seed,
      @ForAll @IntRange(min = 1, max = 4) int damage) throws Exception {
    check(seed, damage);
  }

  @Property(tries = 20_000)
  @Tag("slow")
  void everyDamagedAdapterConfigEndsInAnIoExceptionNamingTheFileSlowProfile(@ForAll long seed,
      @ForAll @IntRange(min = 1, max = 8) int damage) throws Exception {
    check(seed, damage);
  }

  private static void check(long seed, int damage) throws Exception {
    byte[] bytes = Hostile.damage(valid, new Random(seed), damage);
    Path folder = Files.createDirectories(dir.resolve("a" + seed));
    Path file = folder.resolve(AdapterFiles.CONFIG);
    Files.write(file, bytes);
    Files.copy(weights, folder.resolve(AdapterFiles.WEIGHTS));
    try {
      String outcome = assertTimeoutPreemptively(PER_TRY, () -> {
        try {
          AdapterFiles.readConfig(file, model);
        } catch (IOException e) {
          assertNamesTheFile(e, file);
          return "refused by readConfig";
        } catch (RuntimeException | Error other) {
          throw new AssertionError("readConfig raised an undocumented " + other + " on:\n" + preview(bytes), other);
        }
        try (TransformerModel fresh = LoraFixtures.load("tiny-llama", HeadKind.LANGUAGE_MODEL)) {
          LoraAdapter.load(fresh, folder);
          return "loaded";
        } catch (IOException e) {
          assertTrue(e.getMessage().startsWith(file.toString()) || e.getMessage().startsWith(
              folder.resolve(AdapterFiles.WEIGHTS).toString()), "the error names a file: " + e.getMessage());
          return "refused by load";
        } catch (RuntimeException | Error other) {
          throw new AssertionError("load raised an undocumented " + other + " on:\n" + preview(bytes), other);
        }
      });
      Statistics.collect(outcome);
    } finally {
      try (var s = Files.walk(folder)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  /** The message starts with the file, then a line and column or the key (a JSON field name) at fault. */
  private static void assertNamesTheFile(IOException e, Path file) {
    assertTrue(e.getMessage().startsWith(file + ": ") || e.getMessage().matches("(?s)" + java.util.regex.Pattern
        .quote(file.toString()) + ":\\d+:\\d+: .*"), "the error names the file: " + e.getMessage());
  }

  private static String preview(byte[] b) {
    String s = new String(b, StandardCharsets.UTF_8);
    return s.length() <= 2000 ? s : s.substring(0, 2000) + "... (" + s.length() + " chars)";
  }

  // ---- the stated limits -----------------------------------------------------------------------------------------

  @Example
  void theUndamagedFileReads() throws Exception {
    Path file = Files.writeString(dir.resolve(AdapterFiles.CONFIG), valid);
    assertEquals(4, AdapterFiles.readConfig(file, model).r());
  }

  /** Found by the property: Jackson reads a file that starts with NUL bytes as UTF-32, which then fails to decode. */
  @Example
  void aFileStartingWithNulBytesIsNotValidJsonNamingTheFile() throws Exception {
    Path file = dir.resolve(AdapterFiles.CONFIG);
    Files.write(file, ("\0\0\0" + valid).getBytes(StandardCharsets.UTF_8));
    IOException e = assertThrows(IOException.class, () -> AdapterFiles.readConfig(file, model));
    assertTrue(e.getMessage().startsWith(file + ": not valid JSON"), e.getMessage());
  }

  @Example
  void nestingPastJacksonsDepthIsAnErrorNamingTheFileAndLine() throws Exception {
    int limit = StreamReadConstraints.defaults().getMaxNestingDepth();
    Path file = Files.writeString(dir.resolve(AdapterFiles.CONFIG), "{\"peft_type\": \"LORA\",\n \"x\": "
        + "[".repeat(limit + 1) + "]".repeat(limit + 1) + "}\n");
    IOException e = assertThrows(IOException.class, () -> AdapterFiles.readConfig(file, model));
    assertTrue(e.getMessage().startsWith(file + ":2:") && e.getMessage().contains("depth"), e.getMessage());
  }

  /**
   * A rank is memory: applying an adapter of rank r takes r × (in + out) floats per module before its weights are
   * read. A rank the weights file does not have is refused before that, so a hostile r neither overflows nor exhausts
   * the heap.
   */
  @Example
  void aRankTheWeightsDoNotHaveIsRefusedBeforeAnyMemoryIsTaken() throws Exception {
    Path folder = Files.createDirectories(dir.resolve("rank"));
    Files.copy(weights, folder.resolve(AdapterFiles.WEIGHTS));
    for (String r : List.of("5", "33554432", "2147483647", "10000000")) {
      Path file = Files.writeString(folder.resolve(AdapterFiles.CONFIG), valid.replace("\"r\": 4", "\"r\": " + r));
      try (TransformerModel fresh = LoraFixtures.load("tiny-llama", HeadKind.LANGUAGE_MODEL)) {
        IOException e = assertTimeoutPreemptively(PER_TRY, () -> assertThrows(IOException.class,
            () -> LoraAdapter.load(fresh, folder), r));
        assertTrue(e.getMessage().startsWith(folder.resolve(AdapterFiles.WEIGHTS).toString()) && e.getMessage()
            .contains("r " + r), e.getMessage());
      }
    }
  }
}
