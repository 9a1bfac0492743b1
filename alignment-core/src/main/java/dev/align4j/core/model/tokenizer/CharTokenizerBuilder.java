package dev.align4j.core.model.tokenizer;

import static com.google.common.base.Preconditions.checkArgument;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;

/**
 * Builds a character-level tokenizer from a corpus and writes it as a Hugging Face {@code tokenizer.json}
 * (WordLevel model, a {@code Split} pre-tokenizer that isolates every character, a {@code Fuse} decoder that joins
 * them back), so that the built-in model loads through the same path as any imported one.
 *
 * <p>Ids: {@code <pad>} 0, {@code <bos>} 1, {@code <eos>} 2, {@code <unk>} 3, then the corpus characters in code
 * point order. Encoding with special tokens prepends {@code <bos>}.
 */
public final class CharTokenizerBuilder {
  /** The special tokens in id order. */
  public static final List<String> SPECIALS = List.of("<pad>", "<bos>", "<eos>", "<unk>");

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final TreeSet<Integer> codePoints = new TreeSet<>();

  /** Adds every character of {@code text}. */
  public CharTokenizerBuilder add(String text) {
    text.codePoints().forEach(codePoints::add);
    return this;
  }

  /** The vocabulary size the written tokenizer will have. */
  public int vocabSize() {
    return SPECIALS.size() + codePoints.size();
  }

  /** Writes tokenizer.json, tokenizer_config.json, special_tokens_map.json and generation_config.json into folder. */
  public void write(Path folder) throws IOException {
    checkArgument(!codePoints.isEmpty(), "the corpus is empty: add text before writing a tokenizer");
    Files.createDirectories(folder);
    ObjectNode root = JSON.createObjectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    ArrayNode added = root.putArray("added_tokens");
    for (int i = 0; i < SPECIALS.size(); i++) {
      added.addObject().put("id", i).put("content", SPECIALS.get(i)).put("single_word", false).put("lstrip", false)
          .put("rstrip", false).put("normalized", false).put("special", true);
    }
    root.putNull("normalizer");
    ObjectNode pre = root.putObject("pre_tokenizer");
    pre.put("type", "Split");
    pre.putObject("pattern").put("Regex", "[\\s\\S]"); // any one character, newlines included (Oniguruma has no (?s))
    pre.put("behavior", "Isolated");
    pre.put("invert", false);
    ObjectNode post = root.putObject("post_processor");
    post.put("type", "TemplateProcessing");
    ArrayNode single = post.putArray("single");
    single.addObject().putObject("SpecialToken").put("id", "<bos>").put("type_id", 0);
    single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
    ArrayNode pair = post.putArray("pair");
    pair.addObject().putObject("SpecialToken").put("id", "<bos>").put("type_id", 0);
    pair.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
    pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
    ObjectNode bos = post.putObject("special_tokens").putObject("<bos>");
    bos.put("id", "<bos>");
    bos.putArray("ids").add(1);
    bos.putArray("tokens").add("<bos>");
    root.putObject("decoder").put("type", "Fuse");
    ObjectNode model = root.putObject("model");
    model.put("type", "WordLevel");
    ObjectNode vocab = model.putObject("vocab");
    for (int i = 0; i < SPECIALS.size(); i++) {
      vocab.put(SPECIALS.get(i), i);
    }
    int id = SPECIALS.size();
    for (int cp : codePoints) {
      vocab.put(new String(Character.toChars(cp)), id++);
    }
    model.put("unk_token", "<unk>");
    JSON.writeValue(folder.resolve("tokenizer.json").toFile(), root);

    ObjectNode config = JSON.createObjectNode();
    config.put("tokenizer_class", "PreTrainedTokenizerFast");
    config.put("bos_token", "<bos>");
    config.put("eos_token", "<eos>");
    config.put("pad_token", "<pad>");
    config.put("unk_token", "<unk>");
    config.put("model_max_length", 1_000_000);
    config.put("clean_up_tokenization_spaces", false);
    JSON.writeValue(folder.resolve("tokenizer_config.json").toFile(), config);
    ObjectNode map = JSON.createObjectNode();
    map.put("bos_token", "<bos>").put("eos_token", "<eos>").put("pad_token", "<pad>").put("unk_token", "<unk>");
    JSON.writeValue(folder.resolve("special_tokens_map.json").toFile(), map);
    ObjectNode gen = JSON.createObjectNode();
    gen.put("bos_token_id", 1).put("eos_token_id", 2).put("pad_token_id", 0);
    JSON.writeValue(folder.resolve("generation_config.json").toFile(), gen);
  }
}
