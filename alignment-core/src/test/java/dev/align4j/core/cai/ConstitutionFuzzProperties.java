package dev.align4j.core.cai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.align4j.core.testing.Hostile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Tag;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Broken and hostile constitution files, in each format {@link ConstitutionFiles} reads and as JSON or YAML, end in a
 * {@link ConstitutionFileException} whose message starts with the file and names the line and column or the JSON
 * path, never in another exception, a hang or an out-of-memory. Each try starts from a valid file (align4j's world
 * constitution, Anthropic's two files, llm-swarm's) and applies seeded {@link Hostile} damage; YAML files also get
 * YAML's own hazards (anchors and aliases, tags, tabs, a second document).
 *
 * <p>The limits, stated and tested below: Jackson's defaults for JSON and YAML alike (nesting depth 1000, a number of
 * 1000 digits, a string of 20,000,000 chars) and align4j's file sizes (64 MiB of JSON, 1 MiB of YAML).
 */
class ConstitutionFuzzProperties {
  private static final Logger LOG = LoggerFactory.getLogger(ConstitutionFuzzProperties.class);
  private static final Duration PER_TRY = Duration.ofSeconds(10);
  private static final List<String> VALID;
  private static Path dir;

  static {
    try {
      String world = ConstitutionFiles.toJson(ConstitutionFiles.builtinWorld());
      VALID = List.of(world, resource("anthropic-structure/CritiqueRevisionInstructions.json"),
          resource("anthropic-structure/RLMadisonInstructions.json"), resource("llm-swarm/constitution_anthropic.json"));
    } catch (Exception e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** YAML's own hazards, each replacing one line of a YAML file. */
  private static final String[] YAML_HAZARDS = {"a: &x [*x]", "- *undefined", "b: !!binary \"%%%\"",
      "c: !!java.lang.Runtime {}", "\tid: tabbed", "---\nname: second", "...", "d: &a {e: *a}", "? [complex]: key",
      "f: |\n  block\n bad indent", "g: !!int \"x\"", "%YAML 9.9", "h: " + "[".repeat(1200) + "]".repeat(1200),
      "name: 0x1F", "name: .inf", "id: ~", "principles: *nowhere", "- - - - - - - -"};

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final YAMLMapper YAML = new YAMLMapper();

  private static String resource(String name) throws Exception {
    return Files.readString(Path.of(ConstitutionFuzzProperties.class.getResource("/cai/" + name).toURI()));
  }

  @BeforeContainer
  static void makeDir() throws IOException {
    dir = Files.createTempDirectory("constitution-fuzz");
  }

  @AfterContainer
  static void removeDir() throws IOException {
    try (var s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  enum Syntax { JSON, YAML }

  @Property(tries = 1000)
  void everyDamagedConstitutionEndsInAConstitutionFileException(@ForAll Syntax syntax, @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 4) int damage) throws Exception {
    check(syntax, seed, damage);
  }

  @Property(tries = 20_000)
  @Tag("slow")
  void everyDamagedConstitutionEndsInAConstitutionFileExceptionSlowProfile(@ForAll Syntax syntax, @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 8) int damage) throws Exception {
    check(syntax, seed, damage);
  }

  private static void check(Syntax syntax, long seed, int damage) throws Exception {
    Random rnd = new Random(seed);
    String valid = VALID.get(rnd.nextInt(VALID.size()));
    byte[] bytes;
    if (syntax == Syntax.YAML) {
      String yaml = YAML.writeValueAsString(JSON.readTree(rnd.nextBoolean() ? Hostile.retype(valid, rnd) : valid));
      bytes = rnd.nextInt(3) == 0 ? yamlHazard(yaml, rnd) : Hostile.damage(yaml, rnd, damage);
    } else {
      bytes = Hostile.damage(valid, rnd, damage);
    }
    Path file = dir.resolve("c" + seed + (syntax == Syntax.YAML ? ".yaml" : ".json"));
    Files.write(file, bytes);
    ConstitutionFormat format = rnd.nextInt(4) == 0
        ? ConstitutionFormat.values()[rnd.nextInt(ConstitutionFormat.values().length)] : null;
    try {
      assertTimeoutPreemptively(PER_TRY, () -> {
        try {
          if (format == null) {
            ConstitutionFiles.load(file);
          } else {
            ConstitutionFiles.load(file, format);
          }
        } catch (ConstitutionFileException e) {
          assertNamesFileAndPlace(e, file, Hostile.lineCount(bytes));
        } catch (IOException | RuntimeException | Error other) {
          throw new AssertionError("an undocumented " + other + " on " + syntax + " (format " + format + "):\n"
              + preview(bytes), other);
        }
      });
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /** One line of the YAML file replaced by a YAML hazard. */
  private static byte[] yamlHazard(String yaml, Random rnd) {
    String[] lines = yaml.split("\n", -1);
    lines[rnd.nextInt(lines.length)] = YAML_HAZARDS[rnd.nextInt(YAML_HAZARDS.length)];
    return String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The message starts with the file; then a line and column within the file, or a JSON path, or both: the reader
   * always knows one of them.
   */
  private static void assertNamesFileAndPlace(ConstitutionFileException e, Path file, int lines) {
    String msg = e.getMessage();
    assertEquals(file.toString(), e.source());
    Matcher m = Pattern.compile("^" + Pattern.quote(file.toString()) + "(?::(\\d+):(\\d+))?: (\\$\\S*: )?")
        .matcher(msg);
    assertTrue(m.find(), "the error starts with the file: " + msg);
    assertTrue(m.group(1) != null || e.jsonPath() != null, "the error names a line or a JSON path: " + msg);
    if (m.group(1) != null) {
      int line = Integer.parseInt(m.group(1));
      assertTrue(line >= 1 && line <= lines, "line " + line + " of " + lines + ": " + msg);
    }
  }

  private static String preview(byte[] b) {
    String s = new String(b, StandardCharsets.UTF_8);
    return s.length() <= 2000 ? s : s.substring(0, 2000) + "... (" + s.length() + " chars)";
  }

  // ---- the stated limits -----------------------------------------------------------------------------------------

  @Example
  void nestingPastJacksonsDepthIsAnErrorNamingTheLine() throws Exception {
    int limit = StreamReadConstraints.defaults().getMaxNestingDepth();
    assertEquals(Hostile.JACKSON_MAX_DEPTH, limit);
    for (String ext : List.of(".json", ".yaml")) {
      Path f = dir.resolve("deep" + ext);
      Files.writeString(f, "{\"name\": \"x\", \"principles\": [{\"id\": \"a\", \"critique\": \"c\"}],\n"
          + " \"few_shot\": " + "[".repeat(limit + 1) + "]".repeat(limit + 1) + "}\n");
      ConstitutionFileException e = assertThrows(ConstitutionFileException.class, () -> ConstitutionFiles.load(f));
      assertTrue(e.getMessage().startsWith(f + ":2:") && e.getMessage().contains("depth"), e.getMessage());
    }
  }

  @Example
  void aFileOverItsSyntaxsSizeIsRefusedBeforeItIsParsed() throws Exception {
    for (String ext : List.of(".yaml", ".json")) {
      int limit = ext.equals(".yaml") ? 1 << 20 : 64 << 20;
      Path f = dir.resolve("big" + ext);
      if (ext.equals(".yaml")) {
        // within the limit, the worst case: all of it one line, which SnakeYAML reads in time square in its length
        Files.writeString(f, "name: big\nprinciples: [{id: a, critique: c}]\n#" + "x".repeat(limit - 64) + "\n");
        long t0 = System.nanoTime();
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> ConstitutionFiles.load(f));
        LOG.info("{} bytes of YAML with a {}-byte line loaded in {} ms", Files.size(f), limit - 64,
            (System.nanoTime() - t0) / 1_000_000);
      }
      Files.writeString(f, "{}" + " ".repeat(limit - 1));
      ConstitutionFileException e = assertThrows(ConstitutionFileException.class, () -> ConstitutionFiles.load(f));
      assertEquals(f + ": $: the file is larger than " + (limit >> 20) + " MiB, the most align4j reads as "
          + (ext.equals(".yaml") ? "YAML" : "JSON"), e.getMessage().substring(0, e.getMessage().indexOf(" (")));
    }
  }

  @Example
  void aNumberLongerThanJacksonsLimitIsAnErrorNamingTheLine() throws Exception {
    int limit = StreamReadConstraints.defaults().getMaxNumberLength();
    Path f = dir.resolve("number.json");
    Files.writeString(f, "{\"name\": \"x\",\n \"principles\": " + "9".repeat(limit + 1) + "}\n");
    ConstitutionFileException e = assertThrows(ConstitutionFileException.class, () -> ConstitutionFiles.load(f));
    assertTrue(e.getMessage().startsWith(f + ":2:") && e.getMessage().contains("Number value length"),
        e.getMessage());
  }
}
