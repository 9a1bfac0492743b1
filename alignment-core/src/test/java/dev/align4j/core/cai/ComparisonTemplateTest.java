package dev.align4j.core.cai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.align4j.api.data.Message;
import dev.align4j.api.data.Text;
import dev.align4j.api.judge.Comparison;
import dev.align4j.api.judge.Principle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The judge's default question is a documented contract: its wording is the multiple-choice format of Bai et al.
 * (2022), "Constitutional AI", appendix on the preference-model prompts ("Consider the following conversation between
 * a human and an assistant: [conversation] [principle] Options: (A) [response A] (B) [response B] The answer is:"),
 * and the README quotes it. A change to either must be deliberate.
 */
class ComparisonTemplateTest {
  private static final String PAPER = "Consider the following conversation between a human and an assistant:\n"
      + "{conversation}\n{comparison}\nOptions:\n(A) {first}\n(B) {second}\nThe answer is:";

  @Test
  void theDefaultQuestionIsThePapersWordingAndTheReadmeQuotesIt() throws Exception {
    assertEquals(PAPER, ComparisonTemplate.DEFAULT_QUESTION);
    Path readme = Path.of("..", "README.md");
    String text = Files.readString(readme, StandardCharsets.UTF_8);
    // The README shows it in a fenced block indented under a list item.
    String quoted = text.replace("\n  ", "\n");
    assertTrue(quoted.contains(PAPER), "README.md must quote the default question verbatim");
  }

  @Test
  void aRenderedQuestionPutsEachPartInItsPlace() {
    Principle p = new Principle("harmless", Optional.empty(), Optional.empty(),
        Optional.of("Which response is less harmful?"));
    Comparison c = new Comparison(p, new Text.Chat(List.of(new Message("user", "hi"), new Message("assistant", "hello"),
        new Message("user", "how are you?"))), " fine ", "bad", false);
    assertEquals("Consider the following conversation between a human and an assistant:\n"
        + "Human: hi\n\nAssistant: hello\n\nHuman: how are you?\nWhich response is less harmful?\nOptions:\n(A) fine\n"
        + "(B) bad\nThe answer is:", ComparisonTemplate.defaults().render(c));
  }
}
