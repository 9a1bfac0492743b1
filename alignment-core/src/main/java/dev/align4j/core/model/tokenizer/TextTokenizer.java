package dev.align4j.core.model.tokenizer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.align4j.core.model.JsonFile;
import dev.align4j.core.runtime.DjlSetup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A Hugging Face tokenizer ({@code tokenizer.json}) with the special tokens its folder declares.
 *
 * <p>Special tokens come from {@code tokenizer_config.json} (strings or {@code {"content": ...}} objects), then
 * {@code config.json} and {@code generation_config.json} ids; EOS is a set because some models stop on several
 * tokens (Llama 3).
 */
public final class TextTokenizer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HuggingFaceTokenizer tokenizer;
  private final Path folder;
  private final OptionalInt bos;
  private final Set<Integer> eos;
  private final int pad;
  private final String vocabularyHash;

  private TextTokenizer(HuggingFaceTokenizer tokenizer, Path folder, OptionalInt bos, Set<Integer> eos, int pad,
      String vocabularyHash) {
    this.tokenizer = tokenizer;
    this.folder = folder;
    this.bos = bos;
    this.eos = Set.copyOf(eos);
    this.pad = pad;
    this.vocabularyHash = vocabularyHash;
  }

  /** Loads {@code folder/tokenizer.json} and the special tokens of the folder. */
  public static TextTokenizer load(Path folder) throws IOException {
    Path file = folder.resolve("tokenizer.json");
    if (!Files.isRegularFile(file)) {
      throw new IOException(folder + ": no tokenizer.json (align4j reads Hugging Face fast tokenizers only)");
    }
    DjlSetup.configure();
    HuggingFaceTokenizer hf = HuggingFaceTokenizer.builder()
        .optTokenizerPath(file)
        .optAddSpecialTokens(true)
        .optTruncation(false)
        .optPadding(false)
        .build();
    try {
      JsonNode tc = readOrEmpty(folder.resolve("tokenizer_config.json"));
      JsonNode cfg = readOrEmpty(folder.resolve("config.json"));
      JsonNode gen = readOrEmpty(folder.resolve("generation_config.json"));
      OptionalInt bos = tokenId(hf, tc.get("bos_token"));
      if (bos.isEmpty()) {
        bos = intOf(cfg.get("bos_token_id"));
      }
      Set<Integer> eos = new LinkedHashSet<>();
      tokenId(hf, tc.get("eos_token")).ifPresent(eos::add);
      addIds(cfg.get("eos_token_id"), eos);
      addIds(gen.get("eos_token_id"), eos);
      OptionalInt pad = tokenId(hf, tc.get("pad_token"));
      int padId = pad.isPresent() ? pad.getAsInt() : eos.isEmpty() ? 0 : eos.iterator().next();
      return new TextTokenizer(hf, folder, bos, eos, padId, vocabularyHash(file));
    } catch (IOException | RuntimeException e) {
      hf.close();
      throw e;
    }
  }

  /**
   * SHA-256 of what decides the ids of a text: the tokenizer model (vocabulary, merges), the added tokens, the
   * normalizer and pre-tokenizer of {@code tokenizer.json}, re-serialised so formatting does not matter.
   */
  private static String vocabularyHash(Path file) throws IOException {
    JsonNode root = JSON.readTree(file.toFile());
    StringBuilder b = new StringBuilder();
    for (String key : new String[] {"model", "added_tokens", "normalizer", "pre_tokenizer"}) {
      b.append(key).append('=').append(root.path(key)).append('\n');
    }
    return com.google.common.hash.Hashing.sha256().hashString(b, java.nio.charset.StandardCharsets.UTF_8).toString();
  }

  /**
   * How {@code other} would give the same text other ids, or empty when the two agree (same vocabulary, merges,
   * added tokens, and the same BOS, EOS and pad ids). Models that exchange token ids must agree.
   */
  public java.util.Optional<String> differenceFrom(TextTokenizer other) {
    if (!vocabularyHash.equals(other.vocabularyHash)) {
      return java.util.Optional.of("the vocabularies differ (tokenizer.json model, added tokens, normalizer or"
          + " pre-tokenizer)");
    }
    if (!bos.equals(other.bos)) {
      return java.util.Optional.of("BOS ids differ: " + bos + " vs " + other.bos);
    }
    if (!eos.equals(other.eos)) {
      return java.util.Optional.of("EOS ids differ: " + eos + " vs " + other.eos);
    }
    if (pad != other.pad) {
      return java.util.Optional.of("pad ids differ: " + pad + " vs " + other.pad);
    }
    return java.util.Optional.empty();
  }

  private static JsonNode readOrEmpty(Path p) throws IOException {
    return Files.isRegularFile(p) ? JsonFile.readObject(p) : JSON.createObjectNode();
  }

  /** The id of a special token given as a string or an AddedToken object, if it encodes to exactly one id. */
  private static OptionalInt tokenId(HuggingFaceTokenizer hf, JsonNode token) {
    if (token == null || token.isNull()) {
      return OptionalInt.empty();
    }
    String text = token.isObject() ? token.path("content").asText(null) : token.asText(null);
    if (text == null || text.isEmpty()) {
      return OptionalInt.empty();
    }
    long[] ids = hf.encode(text, false, false).getIds();
    return ids.length == 1 ? OptionalInt.of((int) ids[0]) : OptionalInt.empty();
  }

  private static OptionalInt intOf(JsonNode n) {
    return n == null || !n.isIntegralNumber() ? OptionalInt.empty() : OptionalInt.of(n.asInt());
  }

  private static void addIds(JsonNode n, Set<Integer> out) {
    if (n == null || n.isNull()) {
      return;
    }
    if (n.isArray()) {
      n.forEach(e -> out.add(e.asInt()));
    } else if (n.isIntegralNumber()) {
      out.add(n.asInt());
    }
  }

  /**
   * Token ids of {@code text}.
   *
   * @param addSpecialTokens whether the tokenizer's post-processor adds its tokens (e.g. Llama's BOS); chat-template
   *     output is encoded without, as {@code apply_chat_template(tokenize=True)} does
   */
  public int[] encode(String text, boolean addSpecialTokens) {
    Encoding e = tokenizer.encode(text, addSpecialTokens, false);
    long[] ids = e.getIds();
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = (int) ids[i];
    }
    return out;
  }

  /** Text of token ids, special tokens included (as {@code decode(skip_special_tokens=False)}). */
  public String decode(int[] ids) {
    return decode(ids, false);
  }

  /** Text of token ids. */
  public String decode(int[] ids, boolean skipSpecialTokens) {
    long[] l = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      l[i] = ids[i];
    }
    return tokenizer.decode(l, skipSpecialTokens);
  }

  /** The beginning-of-sequence id, when the tokenizer has one. */
  public OptionalInt bosId() {
    return bos;
  }

  /** End-of-sequence ids (generation stops at any of them). */
  public Set<Integer> eosIds() {
    return eos;
  }

  /** The id used for padding (never visible to the model: padded positions are masked). */
  public int padId() {
    return pad;
  }

  /** The folder it was loaded from (its files are copied when a model is saved). */
  public Path folder() {
    return folder;
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
