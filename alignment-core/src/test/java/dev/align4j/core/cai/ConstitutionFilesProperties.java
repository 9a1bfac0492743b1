package dev.align4j.core.cai;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.align4j.api.data.Message;
import dev.align4j.api.judge.Constitution;
import dev.align4j.api.judge.Principle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.UnaryOperator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Properties of writing and hashing over generated constitutions: texts drawn from characters that stress JSON and
 * YAML (quotes, backslashes, newlines, tabs, NUL, U+2028, YAML indicators such as {@code :}, {@code #}, {@code -},
 * accented and CJK letters, an emoji outside the BMP), blank-looking but not blank texts, absent and empty ones.
 */
class ConstitutionFilesProperties {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final YAMLMapper YAML = new YAMLMapper();
  private static Path dir;

  @BeforeContainer
  static void makeDir() throws IOException {
    dir = Files.createTempDirectory("constitution-properties");
  }

  @AfterContainer
  static void removeDir() throws IOException {
    try (var s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  // ---------------------------------------------------------------- generators

  private static Arbitrary<String> anyText() {
    return Arbitraries.of("a", "Z", "0", " ", "\n", "\t", "\"", "'", "\\", ":", "#", "-", "{", "[", ",", "é", "中",
        "😀", "\u0000", "\u2028", "null", "yes", "~").list().ofMaxSize(12).map(l -> String.join("", l));
  }

  private static Arbitrary<String> nonBlank() {
    return anyText().filter(s -> !s.isBlank());
  }

  private static Arbitrary<Optional<String>> optionalText() {
    return nonBlank().optional(0.6);
  }

  private static Arbitrary<Principle> principle() {
    return Combinators.combine(nonBlank(), optionalText(), optionalText(), optionalText())
        .filter((id, c, r, q) -> c.isPresent() || r.isPresent() || q.isPresent())
        .as(Principle::new);
  }

  private static Arbitrary<List<Message>> dialogue() {
    return Combinators.combine(nonBlank(), anyText()).as(Message::new).list().ofMinSize(1).ofMaxSize(4);
  }

  @Provide
  Arbitrary<Constitution> constitutions() {
    return Combinators.combine(nonBlank(), principle().list().ofMinSize(1).ofMaxSize(5).uniqueElements(Principle::id),
        dialogue().list().ofMaxSize(3)).as(Constitution::new);
  }

  // ---------------------------------------------------------------- properties

  /** Any constitution saves and loads back equal, with the same hash; writing is deterministic. */
  @Property(tries = 300)
  void writeThenLoadIsTheIdentity(@ForAll("constitutions") Constitution c) throws IOException {
    Path f = dir.resolve("round-trip.json");
    ConstitutionFiles.write(c, f);
    byte[] first = Files.readAllBytes(f);
    Constitution back = ConstitutionFiles.load(f);
    assertEquals(c, back);
    assertEquals(c.sha256(), back.sha256());
    ConstitutionFiles.write(back, f);
    assertArrayEquals(first, Files.readAllBytes(f), "the same constitution is the same bytes");
  }

  /** The same constitution as YAML, and with every object's keys shuffled, loads equal with the same hash. */
  @Property(tries = 300)
  void syntaxAndKeyOrderDoNotChangeTheHash(@ForAll("constitutions") Constitution c, @ForAll long seed)
      throws IOException {
    JsonNode shuffled = shuffleKeys(JSON.readTree(ConstitutionFiles.toJson(c)), new Random(seed));
    Path json = dir.resolve("shuffled.json");
    Path yaml = dir.resolve("shuffled.yaml");
    JSON.writeValue(json.toFile(), shuffled);
    YAML.writeValue(yaml.toFile(), shuffled);
    for (Path f : List.of(json, yaml)) {
      Constitution back = ConstitutionFiles.load(f);
      assertEquals(c, back, f.toString());
      assertEquals(c.sha256(), back.sha256(), f.toString());
    }
  }

  /** Changing any one text, id, role, or whether a text is present, changes the hash. */
  @Property(tries = 300)
  void anyEditChangesTheHash(@ForAll("constitutions") Constitution c, @ForAll long pick) {
    List<UnaryOperator<Constitution>> edits = edits(c);
    Constitution edited = edits.get(Math.floorMod(pick, edits.size())).apply(c);
    assertNotEquals(c, edited);
    assertNotEquals(c.sha256(), edited.sha256());
  }

  /** Every single-field edit of {@code c}: append to a string, or add or remove an optional text. */
  private static List<UnaryOperator<Constitution>> edits(Constitution c) {
    List<UnaryOperator<Constitution>> out = new ArrayList<>();
    out.add(x -> new Constitution(x.name() + "x", x.principles(), x.fewShot()));
    for (int i = 0; i < c.principles().size(); i++) {
      int at = i;
      out.add(x -> withPrinciple(x, at, p -> new Principle(p.id() + "x", p.critique(), p.revision(),
          p.comparison())));
      out.add(x -> withPrinciple(x, at, p -> new Principle(p.id(), toggle(p.critique(), p), p.revision(),
          p.comparison())));
      out.add(x -> withPrinciple(x, at, p -> new Principle(p.id(), p.critique(), toggle(p.revision(), p),
          p.comparison())));
      out.add(x -> withPrinciple(x, at, p -> new Principle(p.id(), p.critique(), p.revision(),
          toggle(p.comparison(), p))));
      out.add(x -> withPrinciple(x, at, p -> new Principle(p.id(), p.critique().map(t -> t + "x"),
          p.revision().map(t -> t + "x"), p.comparison().map(t -> t + "x"))));
    }
    for (int d = 0; d < c.fewShot().size(); d++) {
      for (int t = 0; t < c.fewShot().get(d).size(); t++) {
        int dd = d;
        int tt = t;
        out.add(x -> withTurn(x, dd, tt, m -> new Message(m.role() + "x", m.content())));
        out.add(x -> withTurn(x, dd, tt, m -> new Message(m.role(), m.content() + "x")));
      }
    }
    return out;
  }

  /**
   * Removes a present text, or adds an absent one. Removing the principle's only text would make it invalid, so then
   * the text is changed instead (still a one-field edit).
   */
  private static Optional<String> toggle(Optional<String> text, Principle p) {
    long present = List.of(p.critique(), p.revision(), p.comparison()).stream().filter(Optional::isPresent).count();
    if (text.isEmpty()) {
      return Optional.of("added");
    }
    return present == 1 ? Optional.of(text.get() + "x") : Optional.empty();
  }

  private static Constitution withPrinciple(Constitution c, int i, UnaryOperator<Principle> edit) {
    List<Principle> ps = new ArrayList<>(c.principles());
    ps.set(i, edit.apply(ps.get(i)));
    // An edited id may now repeat another principle's; such a constitution cannot exist, so rename it further.
    if (ps.stream().map(Principle::id).distinct().count() < ps.size()) {
      Principle p = ps.get(i);
      ps.set(i, new Principle(p.id() + "-unique-" + i, p.critique(), p.revision(), p.comparison()));
    }
    return new Constitution(c.name(), ps, c.fewShot());
  }

  private static Constitution withTurn(Constitution c, int d, int t, UnaryOperator<Message> edit) {
    List<List<Message>> fs = new ArrayList<>();
    for (List<Message> dialogue : c.fewShot()) {
      fs.add(new ArrayList<>(dialogue));
    }
    fs.get(d).set(t, edit.apply(fs.get(d).get(t)));
    return new Constitution(c.name(), c.principles(), fs);
  }

  /** A copy of {@code n} with the keys of every object in a random order. */
  private static JsonNode shuffleKeys(JsonNode n, Random r) {
    if (n.isObject()) {
      List<Map.Entry<String, JsonNode>> entries = new ArrayList<>(n.properties());
      Collections.shuffle(entries, r);
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      entries.forEach(e -> out.set(e.getKey(), shuffleKeys(e.getValue(), r)));
      return out;
    }
    if (n.isArray()) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode();
      n.forEach(e -> out.add(shuffleKeys(e, r)));
      return out;
    }
    return n;
  }
}
