package dev.align4j.core.cai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every way a constitution file can be wrong fails with a {@link ConstitutionFileException} whose message starts
 * with the file and the line and column, then names the JSON path, what was expected and what was found. Positions
 * are counted by hand in each test's text (lines and columns from 1).
 */
class ConstitutionFileErrorsTest {
  @TempDir Path dir;

  private ConstitutionFileException failure(String name, String text) throws IOException {
    Path f = Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    ConstitutionFileException e = assertThrows(ConstitutionFileException.class, () -> ConstitutionFiles.load(f));
    assertTrue(e.getMessage().startsWith(f + ":"), e.getMessage());
    assertEquals(f.toString(), e.source());
    return e;
  }

  private static void assertContains(ConstitutionFileException e, String... parts) {
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), "expected <" + p + "> in: " + e.getMessage());
    }
  }

  // ---------------------------------------------------------------- syntax

  @Test
  void jsonSyntaxErrorNamesLineAndColumn() throws Exception {
    ConstitutionFileException e = failure("c.json", "{\"principles\": [\n  {\"id\": \"a\",, }]}");
    assertContains(e, "c.json:2:14: ", "not valid JSON");
    assertNull(e.jsonPath());
  }

  @Test
  void yamlSyntaxErrorNamesLineAndColumn() throws Exception {
    ConstitutionFileException e = failure("c.yaml", "principles:\n  - id: a\n    critique: [unclosed\n");
    assertContains(e, "not valid YAML");
    assertTrue(e.getMessage().matches("(?s).*c\\.yaml:\\d+:\\d+: .*"), e.getMessage());
  }

  @Test
  void aFileThatIsNotYamlNamedIsReadAsJsonAndSaysSo() throws Exception {
    assertContains(failure("c.txt", "principles:\n  - id: a\n"), "not valid JSON",
        "files not named *.yaml or *.yml are read as JSON");
  }

  @Test
  void repeatedKeysFailInJsonAndYaml() throws Exception {
    assertContains(failure("c.json", "{\"principles\": [{\"id\": \"a\", \"critique\": \"x\", \"critique\": \"y\"}]}"),
        "critique");
    assertContains(failure("c.yaml", "principles:\n  - id: a\n    critique: x\n    critique: y\n"), "critique");
  }

  /** Jackson would otherwise read the first value and drop the rest. */
  @Test
  void contentAfterTheDocumentFails() throws Exception {
    failure("c.json", "{\"principles\": [{\"id\": \"a\", \"critique\": \"x\"}]} {\"name\": \"second\"}");
    failure("c.yaml", "principles:\n  - id: a\n    critique: x\n---\nname: second\n");
  }

  @Test
  void emptyDocumentsFail() throws Exception {
    assertContains(failure("c.json", ""), "expected a constitution, found an empty document");
    assertContains(failure("c.yaml", "# nothing\n"), "expected a constitution, found an empty document");
  }

  @Test
  void bytesThatAreNotUtf8Fail() throws Exception {
    Path f = Files.write(dir.resolve("c.json"), new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
    ConstitutionFileException e = assertThrows(ConstitutionFileException.class, () -> ConstitutionFiles.load(f));
    assertTrue(e.getMessage().contains("expected UTF-8 text"), e.getMessage());
  }

  @Test
  void aMissingFileIsAPlainIoError() {
    assertThrows(NoSuchFileException.class, () -> ConstitutionFiles.load(dir.resolve("absent.json")));
  }

  // ---------------------------------------------------------------- detection

  @Test
  void aFileOfNoFormatListsTheFormatsTriedAndTheKeysFound() throws Exception {
    ConstitutionFileException e = failure("c.json", "{\"rules\": [], \"title\": \"x\"}");
    assertContains(e, "c.json:1:1: $: matches none of the formats tried: align4j's format",
        "llm-swarm's format", "Anthropic's CritiqueRevisionInstructions format",
        "Anthropic's RLMadisonInstructions format", "found an object with keys [rules, title]",
        "pass its format to load(file, format)");
    assertContains(failure("d.json", "\"just a string\""), "found the string \"just a string\"");
  }

  /** With only align4j's other keys the file is taken as align4j's, so the message names what is missing. */
  @Test
  void aFileMissingItsPrinciplesSaysSo() throws Exception {
    ConstitutionFileException e = failure("c.json", "{\"name\": \"x\", \"principle\": []}");
    assertContains(e, "$.principle: unknown key; expected one of name, principles, few_shot");
    e = failure("d.json", "{\"name\": \"x\"}");
    assertContains(e, "$: expected key \"principles\" (a list of principles), found an object with keys [name]");
  }

  // ---------------------------------------------------------------- align4j's format

  /** The typo the house rules name: it must not silently lose the critique. */
  @Test
  void anUnknownKeyIsAnErrorNamingItsPath() throws Exception {
    ConstitutionFileException e = failure("c.yaml",
        "name: x\nprinciples:\n  - id: a\n    critque: Is it rude?\n    revision: Be polite.\n");
    assertEquals("$.principles[0].critque", e.jsonPath());
    assertContains(e, "c.yaml:4:14: $.principles[0].critque: unknown key; expected one of id, critique, revision, "
        + "comparison", "correct the key or remove it");
  }

  @Test
  void aBlankIdNamesItsPath() throws Exception {
    ConstitutionFileException e = failure("c.json",
        "{\"principles\": [{\"id\": \"a\", \"critique\": \"x\"},\n {\"id\": \"  \", \"critique\": \"y\"}]}");
    assertContains(e, "c.json:2:9: $.principles[1].id: expected a non-blank string, found a blank string");
  }

  @Test
  void aRepeatedIdNamesBothPlaces() throws Exception {
    ConstitutionFileException e = failure("c.json", "{\"principles\": [{\"id\": \"a\", \"critique\": \"x\"}, "
        + "{\"id\": \"b\", \"critique\": \"y\"}, {\"id\": \"a\", \"revision\": \"z\"}]}");
    assertContains(e, "$.principles[2].id: expected an id unique in the file, found \"a\" again (first at "
        + "$.principles[0].id)");
  }

  @Test
  void aPrincipleWithNoTextNamesItsPath() throws Exception {
    ConstitutionFileException e = failure("c.json", "{\"principles\": [{\"id\": \"a\"}]}");
    assertContains(e, "c.json:1:17: $.principles[0]: expected at least one of critique, revision and comparison, "
        + "found an object with keys [id]");
  }

  @Test
  void aTextOfTheWrongTypeSaysWhatWasFound() throws Exception {
    ConstitutionFileException e = failure("c.json",
        "{\"principles\": [{\"id\": \"a\", \"critique\": \"x\"}, {\"id\": \"b\"}, {\"id\": \"c\", \"comparison\": 3}]}");
    // $.principles[1] has no text, but the first failure reported is the first met in file order.
    assertContains(e, "$.principles[1]: expected at least one of");
    e = failure("d.json", "{\"principles\": [{\"id\": \"c\", \"critique\": \"x\", \"comparison\": 3}]}");
    assertEquals("$.principles[0].comparison", e.jsonPath());
    assertContains(e, "$.principles[0].comparison: expected a non-blank string, found the number 3");
  }

  @Test
  void nullAndBlankTextsSayToLeaveTheKeyOut() throws Exception {
    assertContains(failure("c.yaml", "principles:\n  - id: a\n    critique:\n    revision: Fix.\n"),
        "$.principles[0].critique: expected a non-blank string, found null (remove the key to leave the text out)");
    assertContains(failure("d.json", "{\"principles\": [{\"id\": \"a\", \"revision\": \" \\n\"}]}"),
        "$.principles[0].revision: expected a non-blank string, found a blank string (remove the key");
  }

  @Test
  void anIdWrittenAsANumberSaysToQuoteIt() throws Exception {
    assertContains(failure("c.yaml", "principles:\n  - id: 12\n    critique: x\n"),
        "$.principles[0].id: expected a non-blank string, found the number 12 (put the value in quotes");
    assertContains(failure("d.yaml", "principles:\n  - id: a\n    critique: yes\n"),
        "$.principles[0].critique: expected a non-blank string, found the boolean true (put the value in quotes");
  }

  @Test
  void noPrinciplesIsAnError() throws Exception {
    assertContains(failure("c.json", "{\"principles\": []}"),
        "c.json:1:16: $.principles: expected at least one principle, found an empty array");
    assertContains(failure("d.json", "{\"principles\": {\"id\": \"a\"}}"),
        "$.principles: expected a list of principles");
  }

  @Test
  void aBlankNameIsAnError() throws Exception {
    assertContains(failure("c.json", "{\"name\": \"\", \"principles\": [{\"id\": \"a\", \"critique\": \"x\"}]}"),
        "$.name: expected a non-blank string, found an empty string");
  }

  @Test
  void fewShotErrorsNameTheDialogueAndTurn() throws Exception {
    String p = "\"principles\": [{\"id\": \"a\", \"critique\": \"x\"}]";
    assertContains(failure("a.json", "{" + p + ", \"few_shot\": [[{\"role\": \"user\", \"content\": \"q\"}], []]}"),
        "$.few_shot[1]: expected a dialogue with at least one turn, found an empty array");
    assertContains(failure("b.json", "{" + p + ", \"few_shot\": [[{\"role\": \"user\", \"content\": \"q\"}, "
        + "{\"content\": \"a\"}]]}"), "$.few_shot[0][1]: expected key \"role\"");
    assertContains(failure("c.json", "{" + p + ", \"few_shot\": [[{\"role\": \"user\", \"text\": \"q\"}]]}"),
        "$.few_shot[0][0].text: unknown key; expected one of role, content");
    assertContains(failure("d.json", "{" + p + ", \"few_shot\": [{\"role\": \"user\", \"content\": \"q\"}]}"),
        "$.few_shot[0]: expected a dialogue: a list of {\"role\", \"content\"} turns, found an object");
    assertContains(failure("e.json", "{" + p + ", \"few_shot\": [[{\"role\": \"user\", \"content\": null}]]}"),
        "$.few_shot[0][0].content: expected a string, found null");
  }

  // ---------------------------------------------------------------- llm-swarm's format

  @Test
  void llmSwarmEntriesNeedBothTexts() throws Exception {
    assertContains(failure("c.json", "{\"constitutions\": [{\"critic\": \"x\", \"revision\": \"y\"}, {\"critic\": \"z\"}]}"),
        "$.constitutions[1]: expected key \"revision\"");
    assertContains(failure("d.json", "{\"constitutions\": [{\"critique\": \"x\", \"revision\": \"y\"}]}"),
        "$.constitutions[0].critique: unknown key; expected one of critic, revision");
    assertContains(failure("e.json", "{\"system_chat\": []}"), "$: expected key \"constitutions\"");
    assertContains(failure("f.json", "{\"constitutions\": []}"), "$.constitutions: expected at least one");
  }

  // ---------------------------------------------------------------- Anthropic's formats

  @Test
  void anthropicPromptListsHoldExactlyOneRequest() throws Exception {
    ConstitutionFileException e = failure("c.json",
        "{\"harmful0\": {\"prompt\": [\"CritiqueRequest: a\", \"CritiqueRequest: b\"], \"edit_request\": \"r\"}}");
    assertEquals("$.harmful0.prompt", e.jsonPath());
    assertContains(e, "expected a list of exactly one critique request, as in Anthropic's published file, found an "
        + "array of 2 items");
  }

  @Test
  void anthropicMarkersAloneAreNotARequest() throws Exception {
    assertContains(failure("c.json",
        "{\"h\": {\"prompt\": [\"\\n\\nCritiqueRequest:\\n\\nCritique:\"], \"edit_request\": \"r\"}}"),
        "$.h.prompt[0]: expected a request besides the CritiqueRequest: and Critique: markers");
    assertContains(failure("d.json", "[\"\\n Options:\"]"), "$[0]: expected a request besides the Options: markers");
  }

  @Test
  void anthropicKeysThatAreNotIdentifiersArePathedWithBrackets() throws Exception {
    ConstitutionFileException e = failure("c.json",
        "{\"ok\": {\"prompt\": [\"a\"], \"edit_request\": \"b\"}, \"it's bad\": {\"prompt\": \"a\", \"edit_request\": \"b\"}}");
    assertEquals("$['it\\'s bad'].prompt", e.jsonPath());
    assertContains(e, "expected a list holding the critique request, found the string \"a\"");
    assertContains(failure("d.json", "{\"h\": {\"prompt\": [\"a\"]}}"), "$.h: expected key \"edit_request\"");
    assertContains(failure("e.json", "{\"h\": {\"prompt\": [\"a\"], \"edit_request\": \"b\", \"notes\": 1}}"),
        "$.h.notes: unknown key");
  }

  @Test
  void anthropicComparisonItemsAreStrings() throws Exception {
    assertContains(failure("c.json", "[\"Which? Options:\", 7]"), "$[1]: expected a string, found the number 7");
    assertContains(failure("d.json", "[]"), "$: expected at least one comparison question, found an empty array");
  }
}
