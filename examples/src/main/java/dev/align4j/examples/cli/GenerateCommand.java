package dev.align4j.examples.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.api.SamplingParams;
import dev.align4j.api.data.Completion;
import dev.align4j.core.model.Pretrained;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code align generate --model DIR --text TEXT --max-new-tokens N [--greedy]}: prints
 * {@code {"input_ids": [...], "generated_ids": [...], "text": "..."}}.
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
    description = "Continue TEXT with the model (KV-cached) and print one JSON object.")
final class GenerateCommand implements Callable<Integer> {
  @Mixin
  ModelOptions modelOptions;

  @Option(names = "--text", required = true, description = "The prompt.")
  String text;

  @Option(names = "--max-new-tokens", defaultValue = "32", description = "Most tokens to generate "
      + "(default: ${DEFAULT-VALUE}).")
  int maxNewTokens;

  @Option(names = "--greedy", description = "Take the most likely token at each step (default: ${DEFAULT-VALUE}).")
  boolean greedy;

  @Option(names = "--temperature", defaultValue = "1.0", description = "Sampling temperature "
      + "(default: ${DEFAULT-VALUE}).")
  double temperature;

  @Option(names = "--top-k", defaultValue = "0", description = "Keep the k most likely tokens; 0 keeps all "
      + "(default: ${DEFAULT-VALUE}).")
  int topK;

  @Option(names = "--top-p", defaultValue = "1.0", description = "Nucleus sampling mass; 1 keeps all "
      + "(default: ${DEFAULT-VALUE}).")
  double topP;

  @Option(names = "--seed", defaultValue = "1", description = "Random seed for sampling (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--ignore-eos", description = "Do not stop at the end-of-sequence token "
      + "(default: ${DEFAULT-VALUE}).")
  boolean ignoreEos;

  @Option(names = "--no-special-tokens", description = "Tokenize the prompt without special tokens (no BOS) "
      + "(default: ${DEFAULT-VALUE}).")
  boolean noSpecialTokens;

  @Override
  public Integer call() throws Exception {
    SamplingParams sampling = SamplingParams.builder().temperature(greedy ? 0 : temperature).topK(topK).topP(topP)
        .maxNewTokens(maxNewTokens).eos(ignoreEos ? SamplingParams.EosHandling.IGNORE : SamplingParams.EosHandling.STOP)
        .build();
    try (Pretrained loaded = modelOptions.load()) {
      int[] ids = loaded.tokenizer().encode(text, !noSpecialTokens);
      if (ids.length == 0) {
        System.err.println("align generate: --text tokenizes to nothing; give a prompt of at least one token");
        return Align.BAD_INPUT;
      }
      Completion c = loaded.lm().generate(List.of(ids), sampling, seed).get(0);
      ObjectNode out = JsonOut.object();
      ArrayNode in = out.putArray("input_ids");
      for (int id : ids) {
        in.add(id);
      }
      ArrayNode gen = out.putArray("generated_ids");
      for (int id : c.tokenIds()) {
        gen.add(id);
      }
      out.put("text", loaded.tokenizer().decode(c.tokenIds()));
      JsonOut.print(out);
      return 0;
    }
  }
}
