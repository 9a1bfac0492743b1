package dev.align4j.core.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.align4j.core.model.HeadKind;
import dev.align4j.core.model.TransformerModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * PEFT's target matching against a brute force of its rule written another way: a list entry matches a name when the
 * entry is the name, or equals the part after some '.' of the name; a regex string must match the whole name.
 */
class LoraTargetsProperties {
  private static final List<String> SEGMENTS = List.of("model", "layers", "0", "1", "self_attn", "q_proj", "v_proj",
      "mlp", "up_proj", "proj", "c_attn", "attn", "h", "transformer", "score", "lm_head");
  private static TransformerModel llama;
  private static TransformerModel gpt2;

  @BeforeContainer
  static void loadModels() throws Exception {
    llama = LoraFixtures.load("tiny-llama", HeadKind.LANGUAGE_MODEL);
    gpt2 = LoraFixtures.load("tiny-gpt2", HeadKind.LANGUAGE_MODEL);
  }

  @AfterContainer
  static void closeModels() {
    llama.close();
    gpt2.close();
  }

  /** The brute force: try every '.'-suffix of the name. */
  private static boolean bruteForce(List<String> targets, String name) {
    List<String> suffixes = new ArrayList<>(List.of(name));
    for (int i = 0; i < name.length(); i++) {
      if (name.charAt(i) == '.') {
        suffixes.add(name.substring(i + 1));
      }
    }
    for (String t : targets) {
      if (suffixes.contains(t)) {
        return true;
      }
    }
    return false;
  }

  @Property(tries = 500)
  void listMatchingIsPeftsSuffixRule(@ForAll("names") String name, @ForAll("targetLists") List<String> targets) {
    assertEquals(bruteForce(targets, name), LoraTargets.matches(new TargetModules.Names(targets), name),
        name + " vs " + targets);
  }

  /** An alternation of quoted full names as a regex matches exactly those names (full match, not search). */
  @Property(tries = 300)
  void regexIsAFullMatch(@ForAll("names") String name, @ForAll("targetLists") List<String> targets) {
    String regex = targets.stream().map(Pattern::quote).collect(Collectors.joining("|"));
    assertEquals(targets.contains(name), LoraTargets.matches(new TargetModules.Regex(regex), name));
  }

  /**
   * On the real models the modules that get a branch are exactly the linear modules the brute force selects, and
   * applying the adapter puts a branch on exactly those.
   */
  @Property(tries = 60)
  void selectionOnTheModelsIsTheBruteForce(@ForAll("modelTargets") List<String> targets,
      @ForAll boolean onLlama) {
    TransformerModel m = onLlama ? llama : gpt2;
    List<String> want = m.linearModules().keySet().stream().filter(n -> bruteForce(targets, n)).toList();
    boolean nonLinear = LoraTargets.moduleNames(m).stream()
        .anyMatch(n -> bruteForce(targets, n) && !m.linearModules().containsKey(n));
    LoraConfig c = LoraConfig.builder().targetModules(new TargetModules.Names(targets)).build();
    if (nonLinear || want.isEmpty()) {
      assertThrows(IllegalArgumentException.class, () -> LoraTargets.select(m, c));
      return;
    }
    assertEquals(want, LoraTargets.select(m, c));
    List<String> written = LoraTargets.condensed(want, LoraTargets.moduleNames(m));
    List<String> rematched = m.linearModules().keySet().stream().filter(n -> bruteForce(written, n)).toList();
    assertEquals(want, rematched, "the target_modules written, " + written + ", match the same modules");
  }

  @Property(tries = 1)
  void allLinearLeavesOutTheOutputHead() {
    List<String> l = LoraTargets.select(llama, LoraConfig.builder().allLinear().build());
    assertEquals(14, l.size());
    assertTrue(!l.contains("lm_head"));
    List<String> g = LoraTargets.select(gpt2, LoraConfig.builder().allLinear().build());
    assertEquals(Set.of("transformer.h.0.attn.c_attn", "transformer.h.0.attn.c_proj", "transformer.h.0.mlp.c_fc",
        "transformer.h.0.mlp.c_proj", "transformer.h.1.attn.c_attn", "transformer.h.1.attn.c_proj",
        "transformer.h.1.mlp.c_fc", "transformer.h.1.mlp.c_proj"), Set.copyOf(g), "GPT-2's head is tied: no module");
    assertEquals(List.of("model.layers.0.self_attn.q_proj", "model.layers.0.self_attn.v_proj",
        "model.layers.1.self_attn.q_proj", "model.layers.1.self_attn.v_proj"),
        LoraTargets.select(llama, LoraConfig.builder().build()), "PEFT's llama default");
  }

  @Provide
  Arbitrary<String> names() {
    return Arbitraries.of(SEGMENTS).list().ofMinSize(1).ofMaxSize(5).map(l -> String.join(".", l));
  }

  @Provide
  Arbitrary<List<String>> targetLists() {
    return names().list().ofMinSize(1).ofMaxSize(3);
  }

  @Provide
  Arbitrary<List<String>> modelTargets() {
    Arbitrary<String> real = Arbitraries.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj",
        "down_proj", "c_attn", "c_proj", "c_fc", "mlp.c_proj", "attn.c_proj", "layers.1.mlp.up_proj",
        "model.layers.0.self_attn.q_proj", "transformer.h.1.attn.c_attn", "lm_head", "self_attn", "mlp", "proj",
        "h.0.mlp.c_fc");
    return real.list().ofMinSize(1).ofMaxSize(4).uniqueElements();
  }
}
