package dev.align4j.core.chatmodel;

import dev.align4j.core.AlignModel;
import dev.align4j.core.cai.ComparisonTemplate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Small chat checkpoints for tests that need a real model behind a chat template: the built-in character model,
 * randomly initialised, saved as a Hugging Face folder with a {@code chat_template.jinja}.
 */
public final class ChatCheckpoints {
  /** A template in the style of simple chat models: "role: content" lines, then the assistant's prompt. */
  public static final String TEMPLATE = "{% for m in messages %}{{ m['role'] }}: {{ m['content'] }}\n{% endfor %}"
      + "{% if add_generation_prompt %}assistant:{% endif %}";

  /**
   * The characters of the judge's question, the chat template and the test texts: few enough that the options A and
   * B are usually among a random model's 20 most likely first tokens, so that judgements carry real probabilities.
   */
  public static final String JUDGE_CORPUS = ComparisonTemplate.DEFAULT_QUESTION + ComparisonTemplate.DEFAULT_AFTER_THOUGHT
      + "Human: Assistant: user: assistant: system: Which is better? What is wrong with the answer? Write a better"
      + " answer.";

  private ChatCheckpoints() {}

  /**
   * Writes a random built-in model over {@code corpus}'s characters with {@link #TEMPLATE} into {@code dir}.
   *
   * @param maxPositions the longest sequence
   * @param seed the initialisation
   * @return {@code dir}
   */
  public static Path builtin(Path dir, String corpus, int maxPositions, long seed) throws IOException {
    try (AlignModel m = AlignModel.builtin(corpus, maxPositions, seed)) {
      m.save(dir);
    }
    Files.writeString(dir.resolve("chat_template.jinja"), TEMPLATE, StandardCharsets.UTF_8);
    return dir;
  }
}
