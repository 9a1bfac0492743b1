package dev.align4j.core.lora;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.List;

/**
 * A LoRA adapter's settings, PEFT's {@code LoraConfig} (Hu et al. 2021): {@code y = W x + scale · B A dropout(x)} with
 * A {@code (r, in)}, B {@code (out, r)} and {@code scale = α/r} ({@code α/√r} with rsLoRA, Kalajdzievski 2023).
 * Build with {@link #builder()}; its defaults are PEFT's ({@code peft/tuners/lora/config.py}): r 8, lora_alpha 8,
 * lora_dropout 0.0, bias "none", the architecture's default target modules, no rsLoRA, no modules_to_save,
 * init_lora_weights true.
 *
 * <p>TRL's command line has other defaults (its {@code ModelConfig}: {@code --lora_r 16 --lora_alpha 32
 * --lora_dropout 0.05}); a command that follows TRL's flags sets them on this builder.
 *
 * <p>PEFT's {@code fan_in_fan_out} is not a setting here: PEFT itself overrides it by module type (true for GPT-2's
 * {@code Conv1D}, false for {@code nn.Linear}, with a warning; {@code _create_new_module} in
 * {@code peft/tuners/lora/layer.py}), so align4j writes what the architecture implies.
 *
 * @param r the rank, ≥ 1
 * @param loraAlpha α, > 0
 * @param loraDropout dropout on the adapter branch's input while training, in [0, 1)
 * @param targetModules which linear modules get a branch
 * @param bias must be {@link LoraBias#NONE}
 * @param useRslora scale by α/√r instead of α/r
 * @param modulesToSave modules trained and saved whole beside the adapter (a reward model's {@code score}), matched
 *     as PEFT does: a module whose name ends with the entry
 * @param init how A and B start
 * @param seed seeds the initialisation and the dropout masks
 */
public record LoraConfig(int r, double loraAlpha, double loraDropout, TargetModules targetModules, LoraBias bias,
    boolean useRslora, List<String> modulesToSave, LoraInit init, long seed) {
  public LoraConfig {
    checkArgument(r >= 1, "r (lora rank) must be >= 1, got %s", r);
    checkArgument(loraAlpha > 0 && Double.isFinite(loraAlpha), "lora_alpha must be finite and > 0, got %s",
        loraAlpha);
    checkArgument(loraDropout >= 0 && loraDropout < 1, "lora_dropout must be in [0, 1), got %s", loraDropout);
    checkNotNull(targetModules, "targetModules");
    checkNotNull(bias, "bias");
    checkArgument(bias == LoraBias.NONE, "bias must be \"none\", got \"%s\": align4j trains no biases beside an"
        + " adapter (train the model fully instead, or save the module whole with modules_to_save)", bias.peftName());
    checkNotNull(modulesToSave, "modulesToSave");
    for (String m : modulesToSave) {
      checkArgument(m != null && !m.isBlank(), "modules_to_save entries must not be blank, got %s", modulesToSave);
    }
    modulesToSave = List.copyOf(modulesToSave);
    checkNotNull(init, "init");
  }

  /** A builder with PEFT's defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these values. */
  public Builder toBuilder() {
    return new Builder().r(r).loraAlpha(loraAlpha).loraDropout(loraDropout).targetModules(targetModules)
        .bias(bias).useRslora(useRslora).modulesToSave(modulesToSave).init(init).seed(seed);
  }

  /** The branch's factor: α/r, or α/√r with rsLoRA ({@code update_layer} in {@code peft/tuners/lora/layer.py}). */
  public double scale() {
    return useRslora ? loraAlpha / Math.sqrt(r) : loraAlpha / r;
  }

  /** Builds a {@link LoraConfig}; each setter names PEFT's field and default. */
  public static final class Builder {
    private int r = 8;
    private double loraAlpha = 8;
    private double loraDropout = 0.0;
    private TargetModules targetModules = new TargetModules.ArchitectureDefault();
    private LoraBias bias = LoraBias.NONE;
    private boolean useRslora;
    private List<String> modulesToSave = List.of();
    private LoraInit init = LoraInit.KAIMING_UNIFORM;
    private long seed;

    Builder() {}

    /** {@code r}, the rank; default 8. */
    public Builder r(int v) {
      this.r = v;
      return this;
    }

    /** {@code lora_alpha}; default 8. */
    public Builder loraAlpha(double v) {
      this.loraAlpha = v;
      return this;
    }

    /** {@code lora_dropout}; default 0.0. */
    public Builder loraDropout(double v) {
      this.loraDropout = v;
      return this;
    }

    /** {@code target_modules}; default the architecture's ({@link TargetModules.ArchitectureDefault}). */
    public Builder targetModules(TargetModules v) {
      this.targetModules = v;
      return this;
    }

    /** {@code target_modules} as names or suffixes, e.g. {@code targetModules("q_proj", "v_proj")}. */
    public Builder targetModules(String... names) {
      this.targetModules = new TargetModules.Names(List.of(names));
      return this;
    }

    /** {@code target_modules="all-linear"}: every linear module but the output head. */
    public Builder allLinear() {
      this.targetModules = new TargetModules.AllLinear();
      return this;
    }

    /** {@code bias}; default and only supported value {@link LoraBias#NONE}. */
    public Builder bias(LoraBias v) {
      this.bias = v;
      return this;
    }

    /** {@code use_rslora}; default false (scale α/r). */
    public Builder useRslora(boolean v) {
      this.useRslora = v;
      return this;
    }

    /** {@code modules_to_save}; default none. */
    public Builder modulesToSave(List<String> v) {
      this.modulesToSave = v;
      return this;
    }

    /** {@code init_lora_weights}; default {@link LoraInit#KAIMING_UNIFORM} ({@code true}). */
    public Builder init(LoraInit v) {
      this.init = v;
      return this;
    }

    /** The seed of A's initialisation and of the dropout masks (not a PEFT field); default 0. */
    public Builder seed(long v) {
      this.seed = v;
      return this;
    }

    /** The configuration; throws {@link IllegalArgumentException} naming the first invalid field. */
    public LoraConfig build() {
      return new LoraConfig(r, loraAlpha, loraDropout, targetModules, bias, useRslora, modulesToSave, init, seed);
    }
  }
}
