package dev.align4j.core.cai;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import dev.align4j.api.data.Message;
import dev.align4j.api.data.Text;
import dev.align4j.api.judge.Comparison;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The multiple-choice question a chat-model judge is asked, after Bai et al. 2022 (appendix: "Consider the following
 * conversation between a human and an assistant: [conversation] [principle] Options: (A) [response A] (B) [response
 * B] The answer is:"). Placeholders: {@code {conversation}} (the prompt as {@code Human:}/{@code Assistant:} turns),
 * {@code {comparison}} (the principle's question), {@code {first}} and {@code {second}} (the two answers).
 *
 * @param question the user turn whose reply's first token is read as the option
 * @param chainOfThought the user turn that asks for reasoning first (same placeholders)
 * @param afterThought the user turn after the judge's reasoning, whose reply's first token is read
 */
public record ComparisonTemplate(String question, String chainOfThought, String afterThought) {
  /** The default question, pinned by a test and quoted in the README. */
  public static final String DEFAULT_QUESTION = """
      Consider the following conversation between a human and an assistant:
      {conversation}
      {comparison}
      Options:
      (A) {first}
      (B) {second}
      The answer is:""";

  /** The default reasoning request. */
  public static final String DEFAULT_CHAIN_OF_THOUGHT = """
      Consider the following conversation between a human and an assistant:
      {conversation}
      {comparison}
      Options:
      (A) {first}
      (B) {second}
      Let's think step by step.""";

  /** The default turn after the reasoning. */
  public static final String DEFAULT_AFTER_THOUGHT = "So the answer is: (A) or (B)? Answer with the letter only.";

  private static final List<String> PLACEHOLDERS = List.of("{conversation}", "{comparison}", "{first}", "{second}");

  public ComparisonTemplate {
    checkNotNull(question, "question");
    checkNotNull(chainOfThought, "chainOfThought");
    checkNotNull(afterThought, "afterThought");
    for (String p : PLACEHOLDERS) {
      checkArgument(question.contains(p), "the comparison question must contain %s, got: %s", p, question);
      checkArgument(chainOfThought.contains(p), "the chain-of-thought request must contain %s, got: %s", p,
          chainOfThought);
    }
    checkArgument(!afterThought.isBlank(), "the after-thought turn must not be blank");
  }

  /** The paper's wording. */
  public static ComparisonTemplate defaults() {
    return new ComparisonTemplate(DEFAULT_QUESTION, DEFAULT_CHAIN_OF_THOUGHT, DEFAULT_AFTER_THOUGHT);
  }

  /** The user turn for {@code c}: the question, or the reasoning request with chain of thought. */
  public String render(Comparison c) {
    String t = c.chainOfThought() ? chainOfThought : question;
    return t.replace("{conversation}", conversation(c.prompt()))
        .replace("{comparison}", c.principle().comparison().orElseThrow())
        .replace("{first}", c.first().strip())
        .replace("{second}", c.second().strip());
  }

  /** The prompt as {@code Human: …} / {@code Assistant: …} turns separated by blank lines. */
  static String conversation(Text prompt) {
    if (prompt instanceof Text.Plain p) {
      return "Human: " + p.text().strip();
    }
    return ((Text.Chat) prompt).messages().stream().map(ComparisonTemplate::turn)
        .collect(Collectors.joining("\n\n"));
  }

  private static String turn(Message m) {
    String role = switch (m.role()) {
      case "user" -> "Human";
      case "assistant" -> "Assistant";
      default -> m.role().substring(0, 1).toUpperCase(Locale.ROOT) + m.role().substring(1);
    };
    return role + ": " + m.content().strip();
  }

  /** SHA-256 of the three texts, stamped on every label (hex, 64 digits). */
  public String sha256() {
    Hasher h = Hashing.sha256().newHasher();
    for (String s : List.of(question, chainOfThought, afterThought)) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      h.putInt(b.length).putBytes(b);
    }
    return h.hash().toString();
  }
}
