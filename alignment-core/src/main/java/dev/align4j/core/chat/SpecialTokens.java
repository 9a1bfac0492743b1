package dev.align4j.core.chat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The special-token variables transformers passes to a chat template: {@code tokenizer.special_tokens_map}, i.e.
 * {@code bos_token}, {@code eos_token}, {@code unk_token}, {@code sep_token}, {@code pad_token}, {@code cls_token},
 * {@code mask_token} where set (a string or an AddedToken object {@code {"content": ...}}), and
 * {@code additional_special_tokens}. Unset tokens are absent, so {@code bos_token is defined} is false for Qwen3.
 */
final class SpecialTokens {
  private static final String[] NAMES = {"bos_token", "eos_token", "unk_token", "sep_token", "pad_token",
      "cls_token", "mask_token"};

  private SpecialTokens() {}

  /**
   * Reads the tokens from {@code tokenizerConfig}, falling back to {@code specialTokensMap} (either may be null).
   *
   * @param configFile and {@code mapFile}: the two files, for messages
   * @return variables in transformers' order
   * @throws IllegalArgumentException naming the file and the key of a token that is neither a string nor an object
   *     with a string {@code content}
   */
  static Map<String, Object> read(JsonNode tokenizerConfig, Path configFile, JsonNode specialTokensMap,
      Path mapFile) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (String name : NAMES) {
      String v = token(tokenizerConfig == null ? null : tokenizerConfig.get(name), configFile, name);
      if (v == null && (tokenizerConfig == null || !tokenizerConfig.has(name)) && specialTokensMap != null) {
        v = token(specialTokensMap.get(name), mapFile, name);
      }
      if (v != null) {
        out.put(name, v);
      }
    }
    boolean inConfig = tokenizerConfig != null && tokenizerConfig.has("additional_special_tokens");
    JsonNode extra = inConfig ? tokenizerConfig.get("additional_special_tokens")
        : specialTokensMap == null ? null : specialTokensMap.get("additional_special_tokens");
    if (extra != null && extra.isArray() && !extra.isEmpty()) {
      List<Object> l = new ArrayList<>();
      for (int i = 0; i < extra.size(); i++) {
        l.add(token(extra.get(i), inConfig ? configFile : mapFile, "additional_special_tokens[" + i + "]"));
      }
      out.put("additional_special_tokens", l);
    }
    return out;
  }

  private static String token(JsonNode n, Path file, String key) {
    if (n == null || n.isNull()) {
      return null;
    }
    if (n.isTextual()) {
      return n.textValue();
    }
    if (n.isObject() && n.path("content").isTextual()) {
      return n.get("content").textValue();
    }
    // a large array or object is described, not serialized: a hostile file could make toString take seconds
    String found = n.isContainerNode() && n.size() > 20
        ? (n.isArray() ? "an array of " + n.size() + " elements" : "an object of " + n.size() + " fields")
        : n.toString();
    throw new IllegalArgumentException(file + ": " + key + " must be a string or an AddedToken object with a string"
        + " \"content\", got " + (found.length() <= 200 ? found : found.substring(0, 200) + "..."));
  }
}
