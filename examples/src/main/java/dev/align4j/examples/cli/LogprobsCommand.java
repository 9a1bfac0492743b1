package dev.align4j.examples.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.api.data.TokenBatch;
import dev.align4j.core.model.Pretrained;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code align logprobs --model DIR --text TEXT}: prints {@code {"input_ids": [...], "next_token_logprobs": [...]}},
 * entry t being {@code log P(token t+1 | tokens 0..t)}.
 */
@Command(name = "logprobs", mixinStandardHelpOptions = true,
    description = "Print the token ids of TEXT and the log-prob of each next token under the model (one JSON object).")
final class LogprobsCommand implements Callable<Integer> {
  @Mixin
  ModelOptions modelOptions;

  @Option(names = "--text", required = true, description = "The text to score.")
  String text;

  @Option(names = "--no-special-tokens", description = "Tokenize without the tokenizer's special tokens (no BOS); "
      + "as add_special_tokens=False (default: ${DEFAULT-VALUE}).")
  boolean noSpecialTokens;

  @Override
  public Integer call() throws Exception {
    try (Pretrained loaded = modelOptions.load()) {
      int[] ids = loaded.tokenizer().encode(text, !noSpecialTokens);
      ObjectNode out = JsonOut.object();
      ArrayNode idsJson = out.putArray("input_ids");
      for (int id : ids) {
        idsJson.add(id);
      }
      ArrayNode lp = out.putArray("next_token_logprobs");
      if (ids.length >= 2) {
        try (NDManager m = loaded.lm().model().manager().newSubManager()) {
          float[] values = loaded.lm().score(m, new TokenBatch(new int[][] {ids}, TokenBatch.Padding.RIGHT), 1.0,
              false).logprobs().toFloatArray();
          for (float v : values) {
            lp.add(v);
          }
        }
      }
      JsonOut.print(out);
      return 0;
    }
  }
}
