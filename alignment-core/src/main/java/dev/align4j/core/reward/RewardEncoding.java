package dev.align4j.core.reward;

import static com.google.common.base.Preconditions.checkArgument;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.align4j.api.data.CompletionSample;
import dev.align4j.api.data.Message;
import dev.align4j.api.data.Text;
import dev.align4j.api.data.TokenizedSequence;
import dev.align4j.api.data.PolicyTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * How a reward model turns a prompt and a response into the token row it scores, in one place for training and for
 * scoring RL samples: the reward model's own tokenizer and chat template ({@link PolicyTokenizer#promptResponse},
 * EOS appended), cut to the {@code max-length} it was trained with. A reward model read with another encoding than
 * its training one scores text it has never seen (Bradley–Terry scores are read at the last token, so a missing
 * template or an untruncated tail moves exactly the position that is read).
 *
 * @param maxLength tokens per row; longer rows keep their first {@code maxLength} tokens, as in training
 */
public record RewardEncoding(int maxLength) {
  /** The key under which {@code align rm} records its max length in the reward model's {@code config.json}. */
  public static final String CONFIG_KEY = "align4j_max_length";

  private static final ObjectMapper JSON = new ObjectMapper();

  public RewardEncoding {
    checkArgument(maxLength >= 2, "maxLength must be >= 2, got %s", maxLength);
  }

  /**
   * The encoding recorded in a reward-model folder; a folder without the key (a reward model not trained by
   * align4j) is read up to the model's positions, as transformers would.
   */
  public static RewardEncoding of(Path folder, int maxPositions) throws IOException {
    Path config = folder.resolve("config.json");
    JsonNode n = Files.isRegularFile(config) ? JSON.readTree(config.toFile()).path(CONFIG_KEY) : null;
    if (n == null || n.isMissingNode() || n.isNull()) {
      return new RewardEncoding(maxPositions);
    }
    if (!n.canConvertToInt() || n.asInt() < 2) {
      throw new IOException(config + ": field '" + CONFIG_KEY + "' must be an integer >= 2, got " + n);
    }
    return new RewardEncoding(Math.min(n.asInt(), maxPositions));
  }

  /** The scored row of a prompt and a response of the same form. */
  public TokenizedSequence encode(PolicyTokenizer tokens, Text prompt, Text response) {
    return tokens.promptResponse(prompt, response).truncate(maxLength);
  }

  /**
   * The scored row of an RL sample: a conversational prompt with the completion as one assistant turn (the form of
   * TRL's conversational preference data), a plain prompt with the plain completion.
   */
  public TokenizedSequence encode(PolicyTokenizer tokens, CompletionSample sample) {
    if (sample.isConversational()) {
      return encode(tokens, new Text.Chat(sample.promptMessages()),
          new Text.Chat(List.of(new Message("assistant", sample.completion()))));
    }
    return encode(tokens, Text.plain(sample.prompt()), Text.plain(sample.completion()));
  }

  /** Whether the untruncated row would be longer than {@link #maxLength}. */
  public boolean truncates(TokenizedSequence untruncated) {
    return untruncated.ids().length > maxLength;
  }
}
