package dev.align4j.core.train;

import java.util.Locale;

/**
 * The names under which TRL and the command line know a variant type (a record of a sealed interface such as a DPO or
 * GRPO loss, or an enum constant): its simple name in snake case ({@code DrGrpo} → {@code dr_grpo},
 * {@code SUM_THEN_NORMALIZE} → {@code sum_then_normalize}), with TRL's one irregular spelling ({@code discopop}).
 */
public final class VariantNames {
  private VariantNames() {}

  /** The TRL name of a variant value. */
  public static String of(Object variant) {
    if (variant instanceof Enum<?> e) {
      return e.name().toLowerCase(Locale.ROOT);
    }
    String simple = variant.getClass().getSimpleName();
    if (simple.equals("DiscoPop")) {
      return "discopop";
    }
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < simple.length(); i++) {
      char c = simple.charAt(i);
      if (Character.isUpperCase(c) && i > 0) {
        b.append('_');
      }
      b.append(Character.toLowerCase(c));
    }
    return b.toString();
  }
}
