package dev.align4j.examples;

import dev.align4j.api.data.Demonstration;
import dev.align4j.api.data.PreferencePair;
import dev.align4j.api.data.Text;
import dev.align4j.core.data.DataReport;
import dev.align4j.core.data.Dataset;
import dev.align4j.core.model.BuiltinModels;
import dev.align4j.core.model.HeadKind;
import dev.align4j.core.model.ModelFolder;
import dev.align4j.core.model.Provenance;
import dev.align4j.core.model.TransformerModel;
import dev.align4j.core.model.WeightSource;
import dev.align4j.core.model.tokenizer.CharTokenizerBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The examples' small task: "where is the red cat?" → "the red cat is on the mat." Each animal has one place, so a
 * preference for the right place is learnable. Also builds a fresh built-in model with a character tokenizer, so the
 * examples run anywhere without downloads.
 */
public final class ToyTask {
  static final String[] ANIMALS = {"cat", "dog", "bird", "fish"};
  static final String[] PLACES = {"mat", "house", "tree", "pond"};
  static final String[] COLORS = {"red", "blue", "green", "big", "small", "old", "lazy", "quick"};

  private ToyTask() {}

  private static String[] example(Random r) {
    int a = r.nextInt(ANIMALS.length);
    String c = COLORS[r.nextInt(COLORS.length)];
    int wrong = (a + 1 + r.nextInt(PLACES.length - 1)) % PLACES.length;
    String prompt = "where is the " + c + " " + ANIMALS[a] + "?\n";
    return new String[] {prompt, "the " + c + " " + ANIMALS[a] + " is at the " + PLACES[a] + ".",
        "the " + c + " " + ANIMALS[a] + " is at the " + PLACES[wrong] + "."};
  }

  /** {@code n} demonstrations drawn with {@code seed}. */
  public static Dataset<Demonstration> demonstrations(int n, long seed) {
    Random r = new Random(seed);
    List<Demonstration> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String[] e = example(r);
      out.add(new Demonstration.PromptCompletion(Text.plain(e[0]), Text.plain(e[1])));
    }
    return new Dataset<>(out, new DataReport(n, 0, 0, 0));
  }

  /** {@code n} preference pairs (right place chosen) drawn with {@code seed}. */
  public static Dataset<PreferencePair> preferences(int n, long seed) {
    Random r = new Random(seed);
    List<PreferencePair> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String[] e = example(r);
      out.add(PreferencePair.plain(e[0], e[1], e[2]));
    }
    return new Dataset<>(out, new DataReport(n, 0, 0, 0));
  }

  /** Every prompt of the task once, with its correct answer in the {@code answer} field (for {@code exact}). */
  public static Dataset<dev.align4j.core.data.PromptExample> prompts() {
    List<dev.align4j.core.data.PromptExample> out = new ArrayList<>();
    for (int a = 0; a < ANIMALS.length; a++) {
      for (String c : COLORS) {
        out.add(new dev.align4j.core.data.PromptExample(Text.plain("where is the " + c + " " + ANIMALS[a] + "?\n"),
            java.util.Map.of("answer", "the " + c + " " + ANIMALS[a] + " is at the " + PLACES[a] + ".")));
      }
    }
    return new Dataset<>(out, new DataReport(out.size(), 0, 0, 0));
  }

  /** Writes a randomly initialised built-in model with a character tokenizer of the task's text into {@code dir}. */
  public static Path newModel(Path dir, long seed) throws IOException {
    CharTokenizerBuilder chars = new CharTokenizerBuilder().add("where is the ?\n.").add("at ");
    for (String s : ANIMALS) {
      chars.add(s);
    }
    for (String s : PLACES) {
      chars.add(s);
    }
    for (String s : COLORS) {
      chars.add(s);
    }
    chars.write(dir);
    try (TransformerModel m = TransformerModel.create(BuiltinModels.tiny(chars.vocabSize(), 64, 1, 2),
        HeadKind.LANGUAGE_MODEL, WeightSource.random(seed))) {
      ModelFolder.save(m, dir, dir, Provenance.of("built-in", "random init, seed " + seed, "none", null), null);
    }
    return dir;
  }
}
