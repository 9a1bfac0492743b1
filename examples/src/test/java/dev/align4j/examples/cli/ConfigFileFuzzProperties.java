package dev.align4j.examples.cli;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import picocli.CommandLine;

/**
 * Broken and hostile {@code --config} files, JSON and YAML, for {@code align sft}, {@code dpo} and {@code grpo}, end
 * in the documented errors: an {@link IOException} from {@link ConfigFile#load} whose message starts with
 * {@code --config FILE: }, or a picocli {@link CommandLine.ParameterException} (a key that is no option, a value the
 * option cannot take) or an {@link IllegalArgumentException} from the stage's config builder, each naming the file or
 * the option; never another exception, a hang or an out-of-memory. Each try starts from the command's own defaults
 * written as a config file and applies seeded {@link Hostile} damage, then parses a command line as {@code align}
 * does (without running it).
 *
 * <p>The limits, stated and tested below: a JSON file of at most 64 MiB, a YAML file of at most 1 MiB, and within them
 * Jackson's defaults (nesting depth 1000, numbers of 1000 digits, strings of 20,000,000 chars).
 */
class ConfigFileFuzzProperties {
  private static final Duration PER_TRY = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final List<String> COMMANDS = List.of("sft", "dpo", "grpo");
  private static Path dir;

  @BeforeContainer
  static void makeDir() throws IOException {
    dir = Files.createTempDirectory("config-fuzz");
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
  void everyDamagedConfigEndsInADocumentedError(@ForAll Syntax syntax, @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 4) int damage) throws Exception {
    check(syntax, seed, damage);
  }

  @Property(tries = 20_000)
  @Tag("slow")
  void everyDamagedConfigEndsInADocumentedErrorSlowProfile(@ForAll Syntax syntax, @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 8) int damage) throws Exception {
    check(syntax, seed, damage);
  }

  private static void check(Syntax syntax, long seed, int damage) throws Exception {
    Random rnd = new Random(seed);
    String command = COMMANDS.get(rnd.nextInt(COMMANDS.size()));
    Map<String, Object> valid = validConfig(command, rnd);
    String json = JSON.writeValueAsString(valid);
    String text = syntax == Syntax.YAML
        ? YAML.writeValueAsString(JSON.readTree(rnd.nextBoolean() ? Hostile.retype(json, rnd) : json)) : json;
    byte[] bytes = Hostile.damage(text, rnd, damage);
    Path file = dir.resolve("c" + seed + (syntax == Syntax.YAML ? ".yml" : ".json"));
    Files.write(file, bytes);
    try {
      assertTimeoutPreemptively(PER_TRY, () -> {
        try {
          parse(command, file);
        } catch (IOException e) {
          Matcher m = Pattern.compile("^--config " + Pattern.quote(file.toString()) + "(?::(\\d+):\\d+)?: ")
              .matcher(e.getMessage());
          assertTrue(m.find(), "the error names the file: " + e.getMessage());
          if (m.group(1) != null) {
            int line = Integer.parseInt(m.group(1));
            assertTrue(line >= 1 && line <= Hostile.lineCount(bytes), "line " + line + ": " + e.getMessage());
          }
        } catch (CommandLine.ParameterException e) {
          assertTrue(e.getMessage().contains(file.toString()) || e.getMessage().contains("'--"),
              "the error names the file or the option: " + e.getMessage());
        } catch (IllegalArgumentException e) {
          assertTrue(e.getMessage() != null && e.getMessage().matches("(?s)([a-z][A-Za-z0-9-]* |.*--[a-z]).*"),
              "the error names the option or the config field: " + e.getMessage());
        } catch (RuntimeException | Error other) {
          throw new AssertionError("an undocumented " + other + " on " + syntax + " for align " + command + ":\n"
              + preview(bytes), other);
        }
      });
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /**
   * What {@code align COMMAND --config FILE} does before it runs: load the file, parse the command line with the
   * file's values as defaults, refuse a key that is no option, then build the stage's config.
   */
  private static void parse(String command, Path file) throws IOException {
    ConfigFile config = ConfigFile.load(file);
    // the subcommand alone, as align's parser hands it over: building all of align's commands costs 10 ms a try
    CommandLine sub = new CommandLine(switch (command) {
      case "sft" -> new SftCommand();
      case "dpo" -> new DpoCommand();
      default -> new GrpoCommand();
    });
    sub.setDefaultValueProvider(new ConfigMapping.BuilderDefaults(config));
    String inputs = command.equals("grpo") ? "--prompts" : "--data";
    sub.parseArgs("--model", "m", inputs, "d.jsonl", "--out", "o", "--config", file.toString());
    config.checkKeys(sub.getCommandSpec());
    switch (command) {
      case "sft" -> ConfigMapping.sft(sub.getCommand());
      case "dpo" -> ConfigMapping.dpo(sub.getCommand());
      default -> ConfigMapping.grpo(sub.getCommand());
    }
  }

  /** The command's defaults under its option names, some with TRL's snake_case, in a seeded order and subset. */
  private static Map<String, Object> validConfig(String command, Random rnd) {
    Map<String, Object> out = new LinkedHashMap<>();
    ConfigMapping.defaults(command).forEach((k, v) -> {
      if (!(v instanceof Map) && rnd.nextInt(4) != 0) {
        out.put(rnd.nextBoolean() ? k.replace('-', '_') : k, v);
      }
    });
    return out;
  }

  private static String preview(byte[] b) {
    String s = new String(b, StandardCharsets.UTF_8);
    return s.length() <= 2000 ? s : s.substring(0, 2000) + "... (" + s.length() + " chars)";
  }

  // ---- the stated limits -----------------------------------------------------------------------------------------

  @Example
  void theCommandsDefaultsAreAValidConfig() throws Exception {
    for (String command : COMMANDS) {
      for (Syntax syntax : Syntax.values()) {
        Path f = dir.resolve(command + (syntax == Syntax.YAML ? ".yaml" : ".json"));
        Map<String, Object> all = new LinkedHashMap<>();
        ConfigMapping.defaults(command).forEach((k, v) -> {
          if (!(v instanceof Map)) {
            all.put(k, v);
          }
        });
        Files.writeString(f, syntax == Syntax.YAML ? YAML.writeValueAsString(all) : JSON.writeValueAsString(all));
        parse(command, f);
      }
    }
  }

  /** Jackson reads a file that starts with NUL bytes as UTF-32, which then fails to decode. */
  @Example
  void aFileStartingWithNulBytesIsNotValidNamingTheFile() throws Exception {
    for (String ext : List.of(".json", ".yaml")) {
      Path f = dir.resolve("nul" + ext);
      Files.write(f, "\0\0\0{\"seed\": 1}".getBytes(StandardCharsets.UTF_8));
      IOException e = assertThrows(IOException.class, () -> ConfigFile.load(f));
      assertTrue(e.getMessage().startsWith("--config " + f + ":") && e.getMessage().contains("not valid"),
          e.getMessage());
    }
  }

  @Example
  void nestingPastJacksonsDepthIsAnErrorNamingTheFile() throws Exception {
    int limit = StreamReadConstraints.defaults().getMaxNestingDepth();
    for (String ext : List.of(".json", ".yaml")) {
      Path f = dir.resolve("deep" + ext);
      Files.writeString(f, "{\"seed\": 1,\n \"x\": " + "[".repeat(limit + 1) + "]".repeat(limit + 1) + "}\n");
      IOException e = assertThrows(IOException.class, () -> ConfigFile.load(f));
      assertTrue(e.getMessage().startsWith("--config " + f + ":2:") && e.getMessage().contains("depth"),
          e.getMessage());
    }
  }

  @Example
  void aFileOverItsSyntaxsSizeIsRefusedBeforeItIsParsed() throws Exception {
    for (String ext : List.of(".yaml", ".json")) {
      int limit = ext.equals(".yaml") ? 1 << 20 : 64 << 20;
      Path f = dir.resolve("big" + ext);
      if (ext.equals(".yaml")) {
        // within the limit, the worst case: all of it one line, which SnakeYAML reads in time square in its length
        Files.writeString(f, "seed: 1\n#" + "x".repeat(limit - 16) + "\n");
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> ConfigFile.load(f));
      }
      Files.writeString(f, "{}" + " ".repeat(limit - 1));
      IOException e = assertThrows(IOException.class, () -> ConfigFile.load(f));
      assertEquals("--config " + f + ": the file is larger than " + (limit >> 20) + " MiB, the most align reads as "
          + (ext.equals(".yaml") ? "YAML" : "JSON"), e.getMessage().substring(0, e.getMessage().indexOf(" (")));
    }
  }
}
