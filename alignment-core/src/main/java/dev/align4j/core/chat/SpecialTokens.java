package dev.align4j.core.chat;

import com.fasterxml.jackson.databind.JsonNode;
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
   * @return variables in transformers' order
   */
  static Map<String, Object> read(JsonNode tokenizerConfig, JsonNode specialTokensMap) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (String name : NAMES) {
      String v = token(tokenizerConfig == null ? null : tokenizerConfig.get(name));
      if (v == null && (tokenizerConfig == null || !tokenizerConfig.has(name)) && specialTokensMap != null) {
        v = token(specialTokensMap.get(name));
      }
      if (v != null) {
        out.put(name, v);
      }
    }
    JsonNode extra = tokenizerConfig != null && tokenizerConfig.has("additional_special_tokens")
        ? tokenizerConfig.get("additional_special_tokens")
        : specialTokensMap == null ? null : specialTokensMap.get("additional_special_tokens");
    if (extra != null && extra.isArray() && !extra.isEmpty()) {
      List<Object> l = new ArrayList<>();
      extra.forEach(t -> l.add(token(t)));
      out.put("additional_special_tokens", l);
    }
    return out;
  }

  private static String token(JsonNode n) {
    if (n == null || n.isNull()) {
      return null;
    }
    if (n.isTextual()) {
      return n.textValue();
    }
    if (n.isObject() && n.has("content")) {
      return n.get("content").asText();
    }
    throw new IllegalArgumentException("a special token must be a string or an object with \"content\", got " + n);
  }
}
