package dev.align4j.core.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.core.chat.jinja.TemplateException;
import dev.align4j.core.model.tokenizer.TextTokenizer;
import dev.align4j.core.testing.Hostile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Tag;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Broken and hostile {@code tokenizer_config.json}, {@code special_tokens_map.json}, {@code config.json} and
 * {@code generation_config.json} files of a model folder end in the documented errors of their two readers, never in
 * another exception, a hang or an out-of-memory:
 *
 * <ul>
 *   <li>{@link ChatTemplate#load(Path, String)} and a render of a short conversation: an
 *       {@link IllegalArgumentException} naming the file, or a {@link TemplateException} naming the template line;
 *   <li>{@link TextTokenizer#load(Path)}: an {@link IOException} naming the file.
 * </ul>
 *
 * <p>Each try starts from the tiny Llama's files (the chat template as a string, as a list of named templates, or
 * the Qwen3-style test template; special tokens as strings or AddedToken objects) and damages one of the four files
 * with seeded {@link Hostile} damage. The limits, stated and tested below, are Jackson's defaults: nesting depth 1000,
 * numbers of 1000 digits, strings of 20,000,000 chars (so a chat template of at most 20,000,000 chars in
 * {@code tokenizer_config.json}).
 */
class TokenizerConfigFuzzProperties {
  private static final Duration PER_TRY = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> FILES = List.of("tokenizer_config.json", "tokenizer_config.json",
      "tokenizer_config.json", "special_tokens_map.json", "config.json", "generation_config.json");
  private static final List<Map<String, String>> MESSAGES = List.of(Map.of("role", "system", "content", "be brief"),
      Map.of("role", "user", "content", "hi"), Map.of("role", "assistant", "content", "hello"));
  private static Path source;
  private static List<String> tokenizerConfigs;
  private static Path dir;

  @BeforeContainer
  static void setUp() throws Exception {
    source = Path.of(TokenizerConfigFuzzProperties.class.getResource("/models/tiny-llama").toURI());
    String chat = Files.readString(Path.of(TokenizerConfigFuzzProperties.class
        .getResource("/chat/tiny-llama/tokenizer_config.json").toURI()));
    String qwen = Files.readString(Path.of(TokenizerConfigFuzzProperties.class
        .getResource("/chat/templates/qwen3-like.jinja").toURI()));
    ObjectNode named = (ObjectNode) JSON.readTree(chat);
    ArrayNode list = JSON.createArrayNode();
    list.addObject().put("name", "default").put("template", named.get("chat_template").textValue());
    list.addObject().put("name", "tool_use").put("template", qwen);
    named.set("chat_template", list);
    ObjectNode added = (ObjectNode) JSON.readTree(chat);
    added.put("chat_template", qwen);
    added.set("bos_token", JSON.createObjectNode().put("content", "<s>").put("lstrip", false));
    added.set("eos_token", JSON.createObjectNode().put("content", "</s>").put("special", true));
    tokenizerConfigs = List.of(chat, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(named),
        JSON.writerWithDefaultPrettyPrinter().writeValueAsString(added));
    dir = Files.createTempDirectory("tokenizer-config-fuzz");
    Path folder = Files.createDirectories(dir.resolve("model"));
    for (String f : List.of("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "config.json",
        "generation_config.json")) {
      Files.copy(source.resolve(f), folder.resolve(f));
    }
  }

  @AfterContainer
  static void removeDir() throws IOException {
    deleteTree(dir);
  }

  @Property(tries = 1000)
  void everyDamagedTokenizerConfigEndsInADocumentedError(@ForAll long seed,
      @ForAll @IntRange(min = 1, max = 4) int damage) throws Exception {
    check(seed, damage);
  }

  @Property(tries = 20_000)
  @Tag("slow")
  void everyDamagedTokenizerConfigEndsInADocumentedErrorSlowProfile(@ForAll long seed,
      @ForAll @IntRange(min = 1, max = 8) int damage) throws Exception {
    check(seed, damage);
  }

  private static void check(long seed, int damage) throws Exception {
    Random rnd = new Random(seed);
    // one folder for all tries: the tiny Llama's files, of which this try rewrites two and puts back
    Path folder = dir.resolve("model");
    Files.writeString(folder.resolve("tokenizer_config.json"), tokenizerConfigs.get(rnd.nextInt(3)));
    String damaged = FILES.get(rnd.nextInt(FILES.size()));
    byte[] bytes = Hostile.damage(Files.readString(folder.resolve(damaged)), rnd, damage);
    Files.write(folder.resolve(damaged), bytes);
    String name = rnd.nextInt(4) == 0 ? List.of("default", "tool_use", "missing").get(rnd.nextInt(3)) : null;
    try {
      String outcome = assertTimeoutPreemptively(PER_TRY, () -> chatTemplate(folder, name, damaged, bytes) + ", "
          + tokenizer(folder, damaged, bytes));
      Statistics.collect(outcome);
    } finally {
      Files.copy(source.resolve(damaged), folder.resolve(damaged), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static String chatTemplate(Path folder, String name, String damaged, byte[] bytes) {
    try {
      ChatTemplate.load(folder, name).render(MESSAGES, true);
      return "rendered";
    } catch (IllegalArgumentException e) {
      // the file, or the folder for a template name the folder does not have
      assertTrue(e.getMessage() != null && e.getMessage().contains(folder.toString()), "the error names the file: "
          + e.getMessage());
      return "chat template refused";
    } catch (TemplateException e) {
      assertTrue(e.line() > 0 || e.kind() == TemplateException.Kind.RAISED, "the error names the template line: "
          + e.getMessage() + " in " + damaged + ":\n" + preview(bytes));
      return "template failed";
    } catch (IOException | RuntimeException | Error other) {
      throw new AssertionError("ChatTemplate raised an undocumented " + other + " on " + damaged + ":\n"
          + preview(bytes), other);
    }
  }

  private static String tokenizer(Path folder, String damaged, byte[] bytes) {
    try (TextTokenizer t = TextTokenizer.load(folder)) {
      t.encode("hi", true);
      return "tokenizer loaded";
    } catch (IOException e) {
      assertTrue(e.getMessage() != null && e.getMessage().startsWith(folder.toString()), "the error names the file: "
          + e.getMessage());
      return "tokenizer refused";
    } catch (RuntimeException | Error other) {
      throw new AssertionError("TextTokenizer raised an undocumented " + other + " on " + damaged + ":\n"
          + preview(bytes), other);
    }
  }

  private static String preview(byte[] b) {
    String s = new String(b, StandardCharsets.UTF_8);
    return s.length() <= 2000 ? s : s.substring(0, 2000) + "... (" + s.length() + " chars)";
  }

  private static void deleteTree(Path p) throws IOException {
    try (var s = Files.walk(p)) {
      for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(x);
      }
    }
  }

  /** Found by the property: a token that is neither a string nor an AddedToken named neither the file nor the key. */
  @Example
  void aSpecialTokenOfTheWrongTypeNamesTheFileAndTheKey() throws Exception {
    Path folder = Files.createDirectories(dir.resolve("token"));
    Path file = Files.writeString(folder.resolve("tokenizer_config.json"), "{\"bos_token\": 1, \"chat_template\":"
        + " \"x\"}");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ChatTemplate.load(folder));
    assertEquals(file + ": bos_token must be a string or an AddedToken object with a string \"content\", got 1",
        e.getMessage());
    Files.writeString(folder.resolve("tokenizer_config.json"), "{\"chat_template\": \"x\"}");
    Path map = Files.writeString(folder.resolve("special_tokens_map.json"), "{\"additional_special_tokens\":"
        + " [\"<a>\", {\"content\": null}]}");
    e = assertThrows(IllegalArgumentException.class, () -> ChatTemplate.load(folder));
    assertTrue(e.getMessage().startsWith(map + ": additional_special_tokens[1] must be"), e.getMessage());
  }

  // ---- the stated limits -----------------------------------------------------------------------------------------

  @Example
  void nestingPastJacksonsDepthNamesTheFileAndLine() throws Exception {
    int limit = StreamReadConstraints.defaults().getMaxNestingDepth();
    Path folder = Files.createDirectories(dir.resolve("deep"));
    Files.copy(source.resolve("tokenizer.json"), folder.resolve("tokenizer.json"));
    Path file = Files.writeString(folder.resolve("tokenizer_config.json"), "{\"bos_token\": \"<s>\",\n \"x\": "
        + "[".repeat(limit + 1) + "]".repeat(limit + 1) + "}\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ChatTemplate.load(folder));
    assertTrue(e.getMessage().startsWith(file + ":2:") && e.getMessage().contains("depth"), e.getMessage());
    IOException io = assertThrows(IOException.class, () -> TextTokenizer.load(folder));
    assertTrue(io.getMessage().startsWith(file + ":2:") && io.getMessage().contains("depth"), io.getMessage());
  }

  @Example
  void aChatTemplateLongerThanJacksonsStringLimitNamesTheFile() throws Exception {
    int limit = StreamReadConstraints.defaults().getMaxStringLength();
    Path folder = Files.createDirectories(dir.resolve("long"));
    Path file = folder.resolve("tokenizer_config.json");
    Files.writeString(file, "{\"chat_template\": \"" + "x".repeat(limit + 1) + "\"}");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ChatTemplate.load(folder));
    assertTrue(e.getMessage().startsWith(file + ":1:") && e.getMessage().contains("String value length"),
        e.getMessage());
    Files.writeString(file, "{\"chat_template\": \"" + "x".repeat(1000) + "\"}");
    assertEquals(1000, ChatTemplate.load(folder).render(MESSAGES, false).text().length());
  }
}
