package dev.align4j.core.lora;

import dev.align4j.api.Internal;
import dev.align4j.core.model.HeadKind;
import dev.align4j.core.model.Linear;
import dev.align4j.core.model.Parameter;
import dev.align4j.core.model.TransformerModel;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * PEFT's module matching, over module names such as {@code model.layers.0.self_attn.q_proj}. The rules and where PEFT
 * has them ({@code peft/tuners/tuners_utils.py}, {@code peft/utils/other.py}):
 * <ul>
 *   <li>a list: a module matches when its name is in the list or ends with {@code "." + entry}
 *       ({@code check_target_module_exists});
 *   <li>a string: {@code re.fullmatch(pattern, name)} ({@code match_target_against_key}), except {@code "all-linear"}
 *       (any case), which stands for every {@code nn.Linear}/{@code Conv1D} but the output embedding, and for a
 *       sequence classifier also its {@code score} head ({@code _maybe_include_all_linear_layers});
 *   <li>a module that {@code modules_to_save} names never gets a branch: excluded when
 *       {@code re.match(rf"(^|.*\.){m}($|\..*)", name)} ({@code check_target_module_exists});
 *   <li>{@code modules_to_save} itself matches a module whose name ends with the entry ({@code _set_trainable}).
 * </ul>
 * Java's regular expressions stand in for Python's {@code re}; they agree on the patterns adapters use (names, dots,
 * alternations, classes, quantifiers), not on every construct.
 */
public final class LoraTargets {
  private LoraTargets() {}

  /** Whether {@code moduleName} matches a list or regex rule (no exclusions applied). */
  public static boolean matches(TargetModules targets, String moduleName) {
    if (targets instanceof TargetModules.Names n) {
      for (String t : n.names()) {
        if (moduleName.equals(t) || moduleName.endsWith("." + t)) {
          return true;
        }
      }
      return false;
    }
    if (targets instanceof TargetModules.Regex r) {
      return Pattern.compile(r.pattern()).matcher(moduleName).matches();
    }
    throw new IllegalArgumentException(targets + " is resolved against a model, not matched name by name");
  }

  /** Whether {@code modules_to_save} entry {@code entry} keeps {@code moduleName} out of the targets. */
  public static boolean excludedBySaved(String entry, String moduleName) {
    return Pattern.compile("(^|.*\\.)" + entry + "($|\\..*)").matcher(moduleName).lookingAt();
  }

  /** Whether {@code modules_to_save} entry {@code entry} names {@code moduleName} ({@code key.endswith(entry)}). */
  public static boolean savedModule(String entry, String moduleName) {
    return moduleName.endsWith(entry);
  }

  /**
   * The modules of {@code model} that get a LoRA branch under {@code config}, in registration order.
   *
   * @throws IllegalArgumentException when nothing matches, when a target names a module that is not linear, or when
   *     the architecture has no default
   */
  @Internal
  public static List<String> select(TransformerModel model, LoraConfig config) {
    TargetModules targets = config.targetModules();
    if (targets instanceof TargetModules.ArchitectureDefault) {
      List<String> names = TargetModules.PEFT_DEFAULTS.get(model.config().modelType());
      if (names == null) {
        throw new IllegalArgumentException("target_modules: PEFT has no default for model_type "
            + model.config().modelType() + "; name the modules (e.g. q_proj, v_proj) or use all-linear");
      }
      targets = new TargetModules.Names(names);
    }
    Set<String> linears = model.linearModules().keySet();
    Set<String> candidates = new LinkedHashSet<>();
    if (targets instanceof TargetModules.AllLinear) {
      candidates.addAll(linears);
      model.outputHeadModule().ifPresent(candidates::remove);
      if (model.headKind() == HeadKind.SCALAR) {
        candidates.remove("score");
      }
    } else {
      for (String module : moduleNames(model)) {
        if (matches(targets, module)) {
          if (!linears.contains(module)) {
            throw new IllegalArgumentException("target_modules " + describe(targets) + " matches module " + module
                + ", which is not a linear layer (LoRA adapts nn.Linear and Conv1D layers only); name the projections"
                + " instead, e.g. q_proj, v_proj");
          }
          candidates.add(module);
        }
      }
    }
    List<String> out = new ArrayList<>();
    for (String m : candidates) {
      boolean saved = false;
      for (String s : config.modulesToSave()) {
        saved |= excludedBySaved(s, m);
      }
      if (!saved) {
        out.add(m);
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("target_modules " + describe(targets) + " match no linear module of this "
          + model.config().modelType() + " model (its linear modules end in " + lastSegments(linears) + ")");
    }
    return out;
  }

  /** The linear modules {@code modules_to_save} names, in registration order; entries matching nothing are ignored. */
  @Internal
  public static List<String> savedModules(TransformerModel model, LoraConfig config) {
    List<String> out = new ArrayList<>();
    for (String m : model.linearModules().keySet()) {
      for (String s : config.modulesToSave()) {
        if (savedModule(s, m)) {
          out.add(m);
          break;
        }
      }
    }
    return out;
  }

  /**
   * A list that matches exactly {@code matched} among {@code all}: their distinct last name segments when those
   * select the same modules (PEFT's {@code q_proj, v_proj}), else the full names.
   */
  static List<String> condensed(List<String> matched, Set<String> all) {
    List<String> suffixes = List.copyOf(lastSegments(matched));
    TargetModules.Names n = new TargetModules.Names(suffixes);
    for (String m : all) {
      if (matches(n, m) != matched.contains(m)) {
        return List.copyOf(matched);
      }
    }
    return suffixes;
  }

  /** Every module name of the model: each dotted prefix of each parameter name. */
  static Set<String> moduleNames(TransformerModel model) {
    Set<String> names = new LinkedHashSet<>();
    for (Parameter p : model.parameters()) {
      String n = p.name();
      for (int i = n.indexOf('.'); i >= 0; i = n.indexOf('.', i + 1)) {
        names.add(n.substring(0, i));
      }
    }
    return names;
  }

  private static Set<String> lastSegments(Iterable<String> names) {
    Set<String> s = new TreeSet<>();
    for (String n : names) {
      s.add(n.substring(n.lastIndexOf('.') + 1));
    }
    return s;
  }

  private static String describe(TargetModules t) {
    if (t instanceof TargetModules.Names n) {
      return n.names().toString();
    }
    return t instanceof TargetModules.Regex r ? "\"" + r.pattern() + "\"" : t.toString();
  }

  static Linear linear(TransformerModel model, String name) {
    return model.linearModules().get(name);
  }
}
