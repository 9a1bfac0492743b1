package dev.align4j.core.cai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.hash.Hashing;
import dev.align4j.api.data.Message;
import dev.align4j.api.judge.Constitution;
import dev.align4j.api.judge.Principle;
import dev.align4j.core.task.TaskConfig;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each format loads as its files are written. The llm-swarm files are the real ones (MIT, copied with their notice
 * under {@code src/test/resources/cai/llm-swarm}); Anthropic's are not licensed for copying, so their structure is
 * reproduced with texts of our own (see {@code cai/anthropic-structure/README.md}), and an opt-in test runs against
 * the real files when given their folder.
 */
class ConstitutionFilesTest {
  private static final ObjectMapper RAW = new ObjectMapper();

  @TempDir Path dir;

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(ConstitutionFilesTest.class.getResource("/cai/" + name).toURI());
  }

  private Path file(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
  }

  // ---------------------------------------------------------------- llm-swarm

  /** Every principle and few-shot turn of llm-swarm's Anthropic constitution equals the raw JSON's, in order. */
  @Test
  void llmSwarmAnthropicConstitutionLoadsAsWritten() throws Exception {
    Path f = resource("llm-swarm/constitution_anthropic.json");
    JsonNode raw = RAW.readTree(f.toFile());
    Constitution c = ConstitutionFiles.load(f);

    assertEquals(ConstitutionFormat.LLM_SWARM, ConstitutionFiles.detect(f));
    assertEquals("constitution_anthropic", c.name());
    assertEquals(16, raw.get("constitutions").size(), "the published file has 16 principles");
    assertEquals(16, c.principles().size());
    for (int i = 0; i < 16; i++) {
      Principle p = c.principles().get(i);
      assertEquals("p" + i, p.id());
      assertEquals(Optional.of(raw.get("constitutions").get(i).get("critic").textValue()), p.critique());
      assertEquals(Optional.of(raw.get("constitutions").get(i).get("revision").textValue()), p.revision());
      assertEquals(Optional.empty(), p.comparison(), "llm-swarm's format has no comparison questions");
    }
    // Read off the file at llm-swarm c3249db: the third principle, a known text.
    assertEquals(Optional.of("Rewrite the response to avoid assisting the human with criminal plans or activities, "
        + "such as violence, theft, hacking, robbery, or anything illegal."), c.principle("p2").orElseThrow()
        .revision());
    assertEquals(4, c.fewShot().size(), "system_chat holds four dialogues");
    for (int d = 0; d < 4; d++) {
      JsonNode dialogue = raw.get("system_chat").get(d);
      assertEquals(6, dialogue.size(), "each: question, answer, critique request, critique, revision request, revision");
      for (int t = 0; t < 6; t++) {
        assertEquals(new Message(dialogue.get(t).get("role").textValue(), dialogue.get(t).get("content").textValue()),
            c.fewShot().get(d).get(t));
      }
    }
    assertEquals(List.of(), c.comparable());
    assertEquals(16, c.revisable().size());
  }

  @Test
  void llmSwarmGrokConstitutionLoads() throws Exception {
    Constitution c = ConstitutionFiles.load(resource("llm-swarm/constituion_grok.json"));
    assertEquals("constituion_grok", c.name());
    assertEquals(List.of("p0", "p1"), c.principles().stream().map(Principle::id).toList());
    // Read off the file at llm-swarm c3249db.
    assertEquals(Optional.of("Rewrite the response, with a bit of humor, to reject assisting the human with criminal "
        + "plans."), c.principle("p1").orElseThrow().revision());
    assertEquals(4, c.fewShot().size());
  }

  // ---------------------------------------------------------------- Anthropic

  /** The markers and the blank lines around them go; the request between them stays exactly as written. */
  @Test
  void anthropicCritiqueRevisionStripsItsMarkers() throws Exception {
    Path f = resource("anthropic-structure/CritiqueRevisionInstructions.json");
    Constitution c = ConstitutionFiles.load(f);
    assertEquals(ConstitutionFormat.ANTHROPIC_CRITIQUE_REVISION, ConstitutionFiles.detect(f));
    assertEquals("CritiqueRevisionInstructions", c.name());
    assertEquals(List.of("example0", "example1", "example2"), c.principles().stream().map(Principle::id).toList());
    // The fixture's text between "\n\nCritiqueRequest: " and "\n\nCritique:" (and the revision's likewise).
    Principle p = c.principle("example0").orElseThrow();
    assertEquals(Optional.of("Identify specific ways in which the assistant's last response is unclear or wordy."),
        p.critique());
    assertEquals(Optional.of("Please rewrite the assistant response to be clear and brief."), p.revision());
    assertEquals(Optional.empty(), p.comparison());
  }

  @Test
  void anthropicComparisonsLoseTheirTrailingOptions() throws Exception {
    Path f = resource("anthropic-structure/RLMadisonInstructions.json");
    Constitution c = ConstitutionFiles.load(f);
    assertEquals(ConstitutionFormat.ANTHROPIC_COMPARISON, ConstitutionFiles.detect(f));
    assertEquals(List.of("p0", "p1", "p2"), c.principles().stream().map(Principle::id).toList());
    Principle p = c.principle("p1").orElseThrow();
    assertEquals(Optional.of("Which of these assistant responses answers the question that was asked?"),
        p.comparison());
    assertEquals(Optional.empty(), p.critique());
    assertEquals(Optional.empty(), p.revision());
    assertEquals(3, c.comparable().size());
  }

  /** A text without the markers is kept as written (trimmed), not refused. */
  @Test
  void anthropicTextsWithoutMarkersAreKept() throws Exception {
    Constitution c = ConstitutionFiles.load(file("plain.json",
        "{\"a\": {\"prompt\": [\"Is it rude?\"], \"edit_request\": \"Make it polite.\"}}"));
    assertEquals(Optional.of("Is it rude?"), c.principle("a").orElseThrow().critique());
    assertEquals(Optional.of("Make it polite."), c.principle("a").orElseThrow().revision());
  }

  private static final Pattern CRITIQUE = Pattern.compile("\n\nCritiqueRequest: (.*)\n\nCritique:", Pattern.DOTALL);
  private static final Pattern REVISION = Pattern.compile("\n\nRevisionRequest: (.*)\n\nRevision:", Pattern.DOTALL);
  private static final Pattern QUESTION = Pattern.compile("\n(.*) Options:", Pattern.DOTALL);

  /**
   * Anthropic's real files, when their folder is given ({@code -Dalign4j.test.anthropicPrompts=.../prompts}): 16
   * principles each, and every text equal to what an exact match of the published layout captures.
   */
  @Test
  @EnabledIfSystemProperty(named = "align4j.test.anthropicPrompts", matches = ".+")
  void anthropicPublishedFilesLoad() throws Exception {
    Path prompts = Path.of(System.getProperty("align4j.test.anthropicPrompts"));
    Path cr = prompts.resolve("CritiqueRevisionInstructions.json");
    Path cmp = prompts.resolve("RLMadisonInstructions.json");
    // The sums of the files at anthropics/ConstitutionalHarmlessnessPaper 831f781, as in the fixture README.
    assertEquals("a55071cbef36e2a944e8e4f3612eb6afaaa63b5d56e7e8c14732cedc864b4045", sha256(cr));
    assertEquals("aeadbe39725a89dc8d2fb0ed54f0a646a777dacd9b938175cb7b420fbd59930a", sha256(cmp));

    Constitution c = ConstitutionFiles.load(cr);
    JsonNode raw = RAW.readTree(cr.toFile());
    assertEquals(IntStream.range(0, 16).mapToObj(i -> "harmful" + i).toList(),
        c.principles().stream().map(Principle::id).toList());
    for (Principle p : c.principles()) {
      assertEquals(Optional.of(group(CRITIQUE, raw.get(p.id()).get("prompt").get(0).textValue())), p.critique());
      assertEquals(Optional.of(group(REVISION, raw.get(p.id()).get("edit_request").textValue())), p.revision());
    }
    Constitution q = ConstitutionFiles.load(cmp);
    JsonNode questions = RAW.readTree(cmp.toFile());
    assertEquals(16, q.principles().size());
    for (int i = 0; i < 16; i++) {
      assertEquals(Optional.of(group(QUESTION, questions.get(i).textValue())),
          q.principle("p" + i).orElseThrow().comparison());
    }
  }

  private static String group(Pattern p, String text) {
    Matcher m = p.matcher(text);
    assertTrue(m.matches(), "the published layout: " + text);
    return m.group(1);
  }

  private static String sha256(Path f) throws IOException {
    return Hashing.sha256().hashBytes(Files.readAllBytes(f)).toString();
  }

  // ---------------------------------------------------------------- align4j's format

  private static final String ALIGN4J_JSON = """
      {"name": "house",
       "principles": [
         {"id": "kind", "critique": "Is it unkind?", "revision": "Make it kind.", "comparison": "Which is kinder?"},
         {"id": "short", "comparison": "Which is shorter?"}],
       "few_shot": [[{"role": "user", "content": "hi"}, {"role": "assistant", "content": ""}]]}
      """;

  private static final String ALIGN4J_YAML = """
      # the same constitution, keys in another order
      few_shot:
        - - {content: hi, role: user}
          - role: assistant
            content: ""
      principles:
        - comparison: Which is kinder?
          revision: Make it kind.
          critique: Is it unkind?
          id: kind
        - id: short
          comparison: "Which is shorter?"
      name: house
      """;

  private static Constitution house() {
    return new Constitution("house", List.of(Principle.of("kind", "Is it unkind?", "Make it kind.",
        "Which is kinder?"), new Principle("short", Optional.empty(), Optional.empty(), Optional.of(
        "Which is shorter?"))), List.of(List.of(new Message("user", "hi"), new Message("assistant", ""))));
  }

  @Test
  void align4jJsonLoadsEveryField() throws Exception {
    Path f = file("house.json", ALIGN4J_JSON);
    assertEquals(ConstitutionFormat.ALIGN4J, ConstitutionFiles.detect(f));
    assertEquals(house(), ConstitutionFiles.load(f));
  }

  /** JSON, YAML under both extensions and another key order are one constitution with one hash. */
  @Test
  void yamlAndKeyOrderGiveTheSameConstitutionAndHash() throws Exception {
    Constitution json = ConstitutionFiles.load(file("house.json", ALIGN4J_JSON));
    for (String name : List.of("house.yaml", "house.yml", "HOUSE.YAML")) {
      Constitution yaml = ConstitutionFiles.load(file(name, ALIGN4J_YAML));
      assertEquals(json.principles(), yaml.principles(), name);
      assertEquals(json.fewShot(), yaml.fewShot(), name);
      assertEquals(json.sha256(), yaml.sha256(), name);
    }
  }

  /** The name defaults to the file's base name; few-shots default to none. */
  @Test
  void nameAndFewShotAreOptional() throws Exception {
    Constitution c = ConstitutionFiles.load(file("my.rules.yaml", "principles:\n  - id: a\n    revision: Fix it.\n"));
    assertEquals("my.rules", c.name());
    assertEquals(List.of(), c.fewShot());
    assertEquals(Optional.of("Fix it."), c.principle("a").orElseThrow().revision());
  }

  /** Texts keep their exact whitespace and characters in align4j's format; only Anthropic's markers are trimmed. */
  @Test
  void align4jTextsAreKeptExactly() throws Exception {
    Constitution c = ConstitutionFiles.load(file("ws.json",
        "{\"principles\": [{\"id\": \" a\\t\", \"critique\": \"\\n  Spaces kept.  \\u00e9\\ud83d\\ude00\"}]}"));
    assertEquals(" a\t", c.principles().get(0).id());
    assertEquals(Optional.of("\n  Spaces kept.  é😀"), c.principles().get(0).critique());
  }

  /** A named format skips detection, so a file in another format fails with that format's rules. */
  @Test
  void anExplicitFormatIsNotSecondGuessed() throws Exception {
    Path f = resource("llm-swarm/constituion_grok.json");
    ConstitutionFileException e = assertThrows(ConstitutionFileException.class,
        () -> ConstitutionFiles.load(f, ConstitutionFormat.ALIGN4J));
    assertEquals("$.constitutions", e.jsonPath());
    assertEquals(ConstitutionFiles.load(f), ConstitutionFiles.load(f, ConstitutionFormat.LLM_SWARM));
  }

  // ---------------------------------------------------------------- writing

  @Test
  void writeReplacesAtomicallyAndLeavesNoTemporaryFile() throws Exception {
    Path f = dir.resolve("out.json");
    Files.writeString(f, "old");
    ConstitutionFiles.write(house(), f);
    assertEquals(house(), ConstitutionFiles.load(f));
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(List.of(f), s.toList(), "only the destination remains");
    }
    String text = Files.readString(f);
    assertTrue(text.endsWith("}\n"), "one final newline");
    assertTrue(text.startsWith("{\n  \"name\": \"house\",\n  \"principles\": [\n    {\n      \"id\": \"kind\","),
        text);
  }

  /** The absent texts of a principle are left out, not written as null (which the loader refuses). */
  @Test
  void absentTextsAreLeftOut() throws Exception {
    Path f = dir.resolve("out.json");
    ConstitutionFiles.write(house(), f);
    JsonNode shortOne = RAW.readTree(f.toFile()).get("principles").get(1);
    assertEquals(List.of("id", "comparison"), fieldNames(shortOne));
  }

  @Test
  void writeRefusesAYamlName() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ConstitutionFiles.write(house(), dir.resolve("c.yaml")));
    assertTrue(e.getMessage().contains("name it *.json"), e.getMessage());
  }

  private static List<String> fieldNames(JsonNode n) {
    List<String> out = new ArrayList<>();
    n.properties().forEach(e -> out.add(e.getKey()));
    return out;
  }

  // ---------------------------------------------------------------- the built-in world

  @Test
  void builtinWorldHasItsThreePrinciplesEachWithAllTexts() {
    Constitution w = ConstitutionFiles.builtinWorld();
    assertEquals("world", w.name());
    assertEquals(List.of("correct", "no-filler", "concise"), w.principles().stream().map(Principle::id).toList());
    for (Principle p : w.principles()) {
      assertTrue(p.critique().isPresent() && p.revision().isPresent() && p.comparison().isPresent(), p.id());
    }
    // The filler the principle names is the world's own (TaskConfig.defaults()).
    assertTrue(w.principle("no-filler").orElseThrow().critique().orElseThrow()
        .contains("\"" + TaskConfig.defaults().filler() + "\""));
  }

  /** The resource is what write writes for it, byte for byte: align4j's canonical form. */
  @Test
  void builtinWorldResourceIsCanonical() throws Exception {
    byte[] resource = ConstitutionFiles.class.getResourceAsStream("world-constitution.json").readAllBytes();
    assertEquals(new String(resource, StandardCharsets.UTF_8), ConstitutionFiles.toJson(
        ConstitutionFiles.builtinWorld()));
  }

  /**
   * The hash stamped on every row the world's labeller and reviser write. Pinned so that an edit of the resource is a
   * deliberate one (earlier outputs then name another constitution): the value is the output of
   * {@code src/test/resources/cai/constitution_sha256.py}, an independent implementation of the canonical form, run on
   * the resource; rerun it when the wording changes.
   */
  @Test
  void builtinWorldHashIsPinned() {
    assertEquals("258bab2081931403a49e6107ef0dd0a8e8fbf8ecea550136074ebe9594567832",
        ConstitutionFiles.builtinWorld().sha256());
  }

  /**
   * A hash with absent texts and few-shot turns (one empty), against the same script run on {@code ALIGN4J_JSON}:
   * the loader hands {@link Constitution#sha256()} exactly the file's texts.
   */
  @Test
  void hashOfALoadedFileMatchesTheReferenceScript() throws Exception {
    assertEquals("49a61b70279ad75191f87fafbbcc02c802be6979605d70cd404ece000a94a3fd",
        ConstitutionFiles.load(file("house.json", ALIGN4J_JSON)).sha256());
  }

  @Test
  void baseNameDropsOnlyTheLastExtension() {
    assertEquals("a.b", ConstitutionFiles.baseName(Path.of("/x/a.b.json")));
    assertEquals("noext", ConstitutionFiles.baseName(Path.of("noext")));
    assertEquals(".json", ConstitutionFiles.baseName(Path.of(".json")));
    assertNotEquals("", ConstitutionFiles.baseName(Path.of("x.")));
  }
}
