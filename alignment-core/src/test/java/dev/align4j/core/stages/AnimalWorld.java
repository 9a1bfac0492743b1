package dev.align4j.core.stages;

import dev.align4j.api.data.Demonstration;
import dev.align4j.api.data.PreferencePair;
import dev.align4j.api.data.Text;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A small task written in tiny-llama's vocabulary: "where is the red cat ?" → "the red cat is on the mat .". Each
 * animal has one place, so the chosen answer of a preference pair (the right place) is systematically distinguishable
 * from the rejected one (another place).
 *
 * <p>Held-out data is disjoint from training data by construction, split by prompt as the demo's world does: the 52
 * colour–animal prompts are divided once, a quarter held out ({@link Split#HELD_OUT}), so an evaluation measures
 * generalisation to prompts never trained on, not recall of training lines.
 */
final class AnimalWorld {
  static final String[] ANIMALS = {"cat", "dog", "bird", "fish"};
  static final String[] PLACES = {"mat", "house", "tree", "water"};
  static final String[] PREPS = {"on", "in", "in", "in"};
  static final String[] COLORS = {"red", "blue", "green", "big", "small", "old", "new", "little", "happy", "sad",
      "quick", "brown", "lazy"};

  private AnimalWorld() {}

  static Path tinyLlama() throws Exception {
    return Path.of(AnimalWorld.class.getResource("/models/tiny-llama").toURI());
  }

  /** Which prompts a draw comes from. */
  enum Split {
    TRAIN,
    HELD_OUT
  }

  /** Whether the prompt of colour {@code c} and animal {@code a} is held out: 13 of the 52, 3 or 4 per animal. */
  static boolean heldOut(int c, int a) {
    return (c + a) % 4 == 0;
  }

  /** The prompt of colour {@code c} and animal {@code a}. */
  static String prompt(int c, int a) {
    return "where is the " + COLORS[c] + " " + ANIMALS[a] + " ?";
  }

  private static String[] example(Random r, Split split) {
    int a;
    int ci;
    do {
      a = r.nextInt(ANIMALS.length);
      ci = r.nextInt(COLORS.length);
    } while (heldOut(ci, a) != (split == Split.HELD_OUT));
    String c = COLORS[ci];
    int wrong = (a + 1 + r.nextInt(PLACES.length - 1)) % PLACES.length;
    return new String[] {"where is the " + c + " " + ANIMALS[a] + " ?",
        " the " + c + " " + ANIMALS[a] + " is " + PREPS[a] + " the " + PLACES[a] + " .",
        " the " + c + " " + ANIMALS[a] + " is " + PREPS[a] + " the " + PLACES[wrong] + " ."};
  }

  static List<Demonstration> demonstrations(int n, long seed, Split split) {
    Random r = new Random(seed);
    List<Demonstration> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String[] e = example(r, split);
      out.add(new Demonstration.PromptCompletion(Text.plain(e[0]), Text.plain(e[1])));
    }
    return out;
  }

  static List<PreferencePair> preferences(int n, long seed, Split split) {
    Random r = new Random(seed);
    List<PreferencePair> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String[] e = example(r, split);
      out.add(PreferencePair.plain(e[0], e[1], e[2]));
    }
    return out;
  }
}
