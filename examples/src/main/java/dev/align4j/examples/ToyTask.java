package dev.align4j.examples;

import dev.align4j.api.data.Demonstration;
import dev.align4j.api.data.PreferencePair;
import dev.align4j.api.data.Prompt;
import dev.align4j.api.data.Text;
import dev.align4j.api.train.StepMetrics;
import dev.align4j.core.AlignModel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The examples' small task: "where is the red cat?" → "the red cat is on the mat." Each animal has one place, so a
 * preference for the right place is learnable. Also builds a fresh built-in model with a character tokenizer, so the
 * examples run anywhere without downloads.
 *
 * <p>Evaluation data comes from held-out prompts: a quarter of the 32 colour–animal prompts ({@link Split#HELD_OUT})
 * never appear in training data, so held-out numbers measure generalisation, not recall.
 */
public final class ToyTask {
  static final String[] ANIMALS = {"cat", "dog", "bird", "fish"};
  static final String[] PLACES = {"mat", "house", "tree", "pond"};
  static final String[] COLORS = {"red", "blue", "green", "big", "small", "old", "lazy", "quick"};

  private ToyTask() {}

  /** Which prompts examples are drawn from. */
  public enum Split {
    /** The three quarters of the prompts used for training. */
    TRAIN,
    /** The quarter kept for evaluation. */
    HELD_OUT
  }

  /** Whether the prompt of colour {@code c} and animal {@code a} is held out (8 of 32, two per animal). */
  static boolean heldOut(int c, int a) {
    return (c + a) % 4 == 0;
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
    String prompt = "where is the " + c + " " + ANIMALS[a] + "?\n";
    return new String[] {prompt, "the " + c + " " + ANIMALS[a] + " is at the " + PLACES[a] + ".",
        "the " + c + " " + ANIMALS[a] + " is at the " + PLACES[wrong] + "."};
  }

  /** {@code n} demonstrations of {@code split}'s prompts drawn with {@code seed}. */
  public static List<Demonstration> demonstrations(int n, long seed, Split split) {
    Random r = new Random(seed);
    List<Demonstration> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String[] e = example(r, split);
      out.add(new Demonstration.PromptCompletion(Text.plain(e[0]), Text.plain(e[1])));
    }
    return out;
  }

  /** {@code n} preference pairs (right place chosen) of {@code split}'s prompts drawn with {@code seed}. */
  public static List<PreferencePair> preferences(int n, long seed, Split split) {
    Random r = new Random(seed);
    List<PreferencePair> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String[] e = example(r, split);
      out.add(PreferencePair.plain(e[0], e[1], e[2]));
    }
    return out;
  }

  /** Every prompt of the task once, with its correct answer in the {@code answer} field (for {@code exact}). */
  public static List<Prompt> prompts() {
    List<Prompt> out = new ArrayList<>();
    for (int a = 0; a < ANIMALS.length; a++) {
      for (String c : COLORS) {
        out.add(Prompt.of("where is the " + c + " " + ANIMALS[a] + "?\n",
            java.util.Map.of("answer", "the " + c + " " + ANIMALS[a] + " is at the " + PLACES[a] + ".")));
      }
    }
    return out;
  }

  /** RL iterations averaged for the examples' start and end rewards. */
  public static final int WINDOW = 5;

  /** Mean of {@code key} over the first {@link #WINDOW} iterations of {@code history} (fewer if it is shorter). */
  public static double firstWindow(List<StepMetrics> history, String key) {
    return history.subList(0, Math.min(WINDOW, history.size())).stream().mapToDouble(m -> m.values().get(key))
        .average().orElseThrow();
  }

  /** Mean of {@code key} over the last {@link #WINDOW} iterations of {@code history}. */
  public static double lastWindow(List<StepMetrics> history, String key) {
    return history.subList(Math.max(0, history.size() - WINDOW), history.size()).stream()
        .mapToDouble(m -> m.values().get(key)).average().orElseThrow();
  }

  /** A randomly initialised built-in model with a character tokenizer of the task's text (the caller closes it). */
  public static AlignModel newModel(long seed) throws IOException {
    StringBuilder corpus = new StringBuilder("where is the ?\n.").append("at ");
    for (String[] words : new String[][] {ANIMALS, PLACES, COLORS}) {
      for (String w : words) {
        corpus.append(w);
      }
    }
    return AlignModel.builtin(corpus.toString(), 64, seed);
  }
}
