package dev.align4j.core.lora;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Which linear modules get a LoRA branch, as PEFT's {@code target_modules} says it (rules of
 * {@code peft/tuners/tuners_utils.py} {@code check_target_module_exists} and {@code _maybe_include_all_linear_layers}).
 */
public sealed interface TargetModules {

  /**
   * PEFT's table for the architecture ({@code TRANSFORMERS_MODELS_TO_LORA_TARGET_MODULES_MAPPING} in
   * {@code peft/utils/constants.py}): llama, mistral, qwen2, qwen3 → {@code q_proj, v_proj}; gpt2 → {@code c_attn}.
   */
  record ArchitectureDefault() implements TargetModules {}

  /**
   * Module names or name suffixes: a module matches when its name equals an entry or ends with {@code "." + entry}.
   *
   * @param names {@code ["q_proj", "v_proj"]}, or full names such as {@code model.layers.0.mlp.up_proj}
   */
  record Names(List<String> names) implements TargetModules {
    public Names {
      checkNotNull(names, "names");
      checkArgument(!names.isEmpty(), "target_modules names must not be empty (use ArchitectureDefault or AllLinear)");
      for (String n : names) {
        checkArgument(n != null && !n.isBlank(), "target_modules names must not be blank, got %s", names);
      }
      names = List.copyOf(names);
    }
  }

  /**
   * A regular expression that must match a module's whole name ({@code re.fullmatch}), as PEFT reads a string.
   *
   * @param pattern e.g. {@code .*\.(q_proj|v_proj)}
   */
  record Regex(String pattern) implements TargetModules {
    /** The longest pattern compiled: PEFT's are a few dozen characters; a hostile file's could take seconds. */
    public static final int MAX_CHARS = 10_000;

    public Regex {
      checkNotNull(pattern, "pattern");
      if (pattern.length() > MAX_CHARS) {
        throw new IllegalArgumentException(String.format("target_modules regex is %,d characters; at most %,d are"
            + " read (give a list of module names instead)", pattern.length(), MAX_CHARS));
      }
      try {
        Pattern.compile(pattern);
      } catch (PatternSyntaxException e) {
        String shown = pattern.length() <= 200 ? pattern : pattern.substring(0, 200) + "...";
        throw new IllegalArgumentException("target_modules regex " + shown + " does not compile: "
            + e.getDescription(), e);
      }
    }
  }

  /** PEFT's {@code "all-linear"}: every linear module except the output head ({@code lm_head}, {@code score}). */
  record AllLinear() implements TargetModules {}

  /** PEFT's per-architecture defaults, keyed by {@code model_type}. */
  Map<String, List<String>> PEFT_DEFAULTS = Map.of("llama", List.of("q_proj", "v_proj"),
      "mistral", List.of("q_proj", "v_proj"), "qwen2", List.of("q_proj", "v_proj"),
      "qwen3", List.of("q_proj", "v_proj"), "gpt2", List.of("c_attn"));

  /** Names for a list, {@link AllLinear} for {@code "all-linear"} (any case, as PEFT), a regex for other strings. */
  static TargetModules parse(String value) {
    checkNotNull(value, "target_modules");
    if (value.equalsIgnoreCase("all-linear")) {
      return new AllLinear();
    }
    return new Regex(value);
  }
}
