package dev.align4j.core.rl;

import dev.align4j.api.RewardFunction;
import dev.align4j.api.data.CompletionSample;

/**
 * Verifiable rewards by name, for {@code --reward NAME}:
 *
 * <ul>
 *   <li>{@code exact}: 1 when the completion, trimmed, equals the prompt line's {@code answer} field, else 0;
 *   <li>{@code contains:TEXT}: 1 when the completion contains TEXT, else 0.
 * </ul>
 */
public final class BuiltinRewards {
  private BuiltinRewards() {}

  /** The reward function called {@code name}. */
  public static RewardFunction parse(String name) {
    if (name.equals("exact")) {
      return new Exact();
    }
    if (name.startsWith("contains:") && name.length() > "contains:".length()) {
      return new Contains(name.substring("contains:".length()));
    }
    throw new IllegalArgumentException("--reward " + name + " is not a built-in reward; use exact or contains:TEXT"
        + " (or give --reward-model DIR)");
  }

  /** Exact match against the prompt's {@code answer} field. */
  public record Exact() implements RewardFunction {
    @Override public double reward(CompletionSample s) {
      String answer = s.fields().get("answer");
      if (answer == null) {
        throw new IllegalArgumentException("reward 'exact' needs an \"answer\" field on every prompt line; the"
            + " prompt '" + s.prompt() + "' has none");
      }
      return s.completion().trim().equals(answer.trim()) ? 1 : 0;
    }

    @Override public String name() {
      return "exact";
    }
  }

  /** Whether the completion contains a text. */
  public record Contains(String text) implements RewardFunction {
    @Override public double reward(CompletionSample s) {
      return s.completion().contains(text) ? 1 : 0;
    }

    @Override public String name() {
      return "contains:" + text;
    }
  }
}
