package dev.align4j.core.lora;

import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;
import static dev.align4j.api.objective.Scalars.mul;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.align4j.api.Internal;
import dev.align4j.core.AlignModel;
import dev.align4j.core.model.HeadKind;
import dev.align4j.core.model.Linear;
import dev.align4j.core.model.LinearAdapter;
import dev.align4j.core.model.Parameter;
import dev.align4j.core.model.TokenizerFiles;
import dev.align4j.core.model.TransformerModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * A LoRA adapter applied to a loaded model (Hu et al. 2021): every matched linear module computes
 * <pre>
 * y = W x + b + scale · B A dropout(x)        A (r, in), B (out, r), scale = α/r (α/√r with rsLoRA)
 * </pre>
 * as PEFT's {@code lora.Linear.forward} ({@code result + lora_B(lora_A(dropout(x))) * scaling},
 * {@code peft/tuners/lora/layer.py}); dropout acts on the branch only and only in {@link Mode#TRAINING}. The base
 * parameters are frozen (no gradient); the adapter's A and B, and the copies of the {@code modules_to_save}, are
 * {@link #trainableParameters()}. With the adapter {@link #disable() disabled} the model computes exactly the base
 * model, which is how a reference policy is had without a second copy of the weights.
 *
 * <p>align4j keeps a linear weight as {@code (in, out)}, so A is held as {@code (in, r)} and B as {@code (r, out)}
 * (the branch is {@code x·A·B}); PEFT's files hold {@code lora_A [r, in]} and {@code lora_B [out, r]}, for
 * {@code nn.Linear} and GPT-2's {@code Conv1D} alike. The merged update {@code scale·A·B} in align4j's layout is
 * PEFT's {@code transpose(B @ A, fan_in_fan_out) * scaling} in the checkpoint's: {@code (B·A)ᵀ} for
 * {@code nn.Linear} stored {@code (out, in)}, and {@code (B·A)ᵀ} again for {@code Conv1D} stored {@code (in, out)}.
 */
public final class LoraAdapter {
  /** What PEFT's saved names put in front of the model's own ({@code PeftModel.base_model.model}). */
  static final String PREFIX = "base_model.model.";

  private final TransformerModel model;
  private final LoraConfig config;
  private final Map<String, Branch> branches = new LinkedHashMap<>();
  private final Map<String, SavedCopy> saved = new LinkedHashMap<>();
  private final SplittableRandom dropoutRandom;
  private boolean enabled = true;
  private boolean merged;
  private Mode mode = Mode.INFERENCE;

  /** Whether dropout acts (PEFT follows {@code module.train()} / {@code module.eval()}). */
  public enum Mode {
    /** Dropout on the adapter branch's input. */
    TRAINING,
    /** No dropout (scoring, generation, references). */
    INFERENCE
  }

  private LoraAdapter(TransformerModel model, LoraConfig config) {
    this.model = model;
    this.config = config;
    this.dropoutRandom = new SplittableRandom(config.seed() ^ 0x9E3779B97F4A7C15L);
  }

  /**
   * Applies a fresh adapter to {@code model}: freezes every base parameter, adds A and B (initialised as
   * {@link LoraConfig#init()} says, seeded) to the modules {@link LoraTargets#select} finds, and trainable copies of the
   * {@code modules_to_save}.
   *
   * @throws IllegalArgumentException when the targets match nothing or name a module that is not linear
   */
  @Internal
  public static LoraAdapter apply(TransformerModel model, LoraConfig config) {
    checkNotNull(model, "model");
    checkNotNull(config, "config");
    for (Linear l : model.linearModules().values()) {
      checkState(l.adapter() == null, "module %s already carries an adapter", l.name());
    }
    LoraAdapter a = new LoraAdapter(model, config);
    List<String> targets = LoraTargets.select(model, config);
    List<String> savedModules = LoraTargets.savedModules(model, config);
    model.setTrainable(false);
    SplittableRandom init = new SplittableRandom(config.seed());
    NDManager m = model.manager();
    for (String name : targets) {
      Linear l = LoraTargets.linear(model, name);
      int in = (int) l.inFeatures();
      int out = (int) l.outFeatures();
      int r = config.r();
      float[] av = new float[in * r];       // checkpoint layout (r, in)
      float[] bv = new float[r * out];      // checkpoint layout (out, r)
      switch (config.init()) {
        case KAIMING_UNIFORM -> uniform(init, av, 1 / Math.sqrt(in));
        case GAUSSIAN -> {
          for (int i = 0; i < av.length; i++) {
            av[i] = (float) (init.nextGaussian() / r);
          }
        }
        case RANDOM -> {
          uniform(init, av, 1 / Math.sqrt(in));
          uniform(init, bv, 1 / Math.sqrt(r));
        }
      }
      Parameter pa = Parameter.of(PREFIX + name + ".lora_A.weight", Parameter.Layout.TRANSPOSED,
          transposed(m, av, r, in));
      Parameter pb = Parameter.of(PREFIX + name + ".lora_B.weight", Parameter.Layout.TRANSPOSED,
          transposed(m, bv, out, r));
      a.attach(l, new Branch(a, pa, pb));
    }
    for (String name : savedModules) {
      Linear l = LoraTargets.linear(model, name);
      Parameter w = l.weight();
      Parameter pw = Parameter.of(PREFIX + name + ".weight", w.layout(), w.value().duplicate());
      Parameter pb = l.bias() == null ? null
          : Parameter.of(PREFIX + name + ".bias", Parameter.Layout.AS_STORED, l.bias().value().duplicate());
      SavedCopy copy = new SavedCopy(a, pw, pb);
      a.saved.put(name, copy);
      l.attach(copy);
    }
    for (Parameter p : a.trainableParameters()) {
      p.value().setRequiresGradient(true);
    }
    return a;
  }

  /** {@link #apply(TransformerModel, LoraConfig)} on the transformer of {@code model}. */
  public static LoraAdapter apply(AlignModel model, LoraConfig config) {
    checkNotNull(model, "model");
    return apply(model.languageModel().model(), config);
  }

  /** {@link #load(TransformerModel, Path)} onto the transformer of {@code model}. */
  public static LoraAdapter load(AlignModel model, Path dir) throws IOException {
    checkNotNull(model, "model");
    return load(model.languageModel().model(), dir);
  }

  /**
   * Loads the adapter folder {@code dir} ({@code adapter_config.json}, {@code adapter_model.safetensors}, F32, F16 or
   * BF16) onto {@code model}, checking that its tensors are exactly those of the modules its configuration matches.
   *
   * @throws IOException naming the file and the key, tensor or option that is wrong or unsupported
   */
  @Internal
  public static LoraAdapter load(TransformerModel model, Path dir) throws IOException {
    return AdapterFiles.load(model, dir);
  }

  private void attach(Linear l, Branch b) {
    branches.put(l.name(), b);
    l.attach(b);
  }

  /** The settings it was made with. */
  public LoraConfig config() {
    return config;
  }

  /** The model it is applied to. */
  @Internal
  public TransformerModel model() {
    return model;
  }

  /** The modules that carry a branch, in the model's order. */
  public List<String> adaptedModules() {
    return List.copyOf(branches.keySet());
  }

  /** The modules saved whole ({@code modules_to_save}), in the model's order. */
  public List<String> savedModules() {
    return List.copyOf(saved.keySet());
  }

  /** What the optimizer trains: each branch's A then B, then the saved modules' copies; PEFT's file names. */
  @Internal
  public List<Parameter> trainableParameters() {
    List<Parameter> out = new ArrayList<>();
    for (Branch b : branches.values()) {
      out.add(b.a);
      out.add(b.b);
    }
    for (SavedCopy c : saved.values()) {
      out.add(c.weight);
      if (c.bias != null) {
        out.add(c.bias);
      }
    }
    return Collections.unmodifiableList(out);
  }

  /** A branch's A {@code (in, r)} and B {@code (r, out)}, in align4j's layout. */
  @Internal
  public Parameter[] branch(String module) {
    Branch b = branches.get(module);
    checkNotNull(b, "no LoRA branch on module %s", module);
    return new Parameter[] {b.a, b.b};
  }

  /** Switches dropout on ({@link Mode#TRAINING}) or off. */
  public void mode(Mode m) {
    this.mode = checkNotNull(m, "mode");
  }

  /** The current mode; {@link Mode#INFERENCE} until set. */
  public Mode mode() {
    return mode;
  }

  /** The model computes the base model's outputs exactly (PEFT's {@code disable_adapter}). */
  public void disable() {
    open();
    enabled = false;
  }

  /** The adapter acts again. */
  public void enable() {
    open();
    enabled = true;
  }

  /** Whether the adapter acts. */
  public boolean isEnabled() {
    return enabled && !merged;
  }

  /** Runs {@code work} with the adapter disabled (a reference policy's forward pass), then restores it. */
  public <T> T withAdapterDisabled(Supplier<T> work) {
    open();
    boolean was = enabled;
    enabled = false;
    try {
      return work.get();
    } finally {
      enabled = was;
    }
  }

  /**
   * Folds the adapter into the base weights, {@code W ← W + scale · A·B} (PEFT's {@code merge_and_unload}), writes the
   * saved modules' copies over their originals, and detaches everything: the model is then a plain model, frozen,
   * that {@code ModelFolder.save} writes as a Hugging Face folder. The adapter can no longer be used.
   */
  public void merge() {
    open();
    try (NDManager step = model.manager().newSubManager()) {
      for (Map.Entry<String, Branch> e : branches.entrySet()) {
        Linear l = LoraTargets.linear(model, e.getKey());
        Branch b = e.getValue();
        NDArray a = b.a.value().duplicate();
        a.attach(step);
        NDArray delta = mul(a.matMul(b.b.value()), config.scale());           // (in, out)
        l.weight().value().addi(delta);
        l.attach(null);
      }
      for (Map.Entry<String, SavedCopy> e : saved.entrySet()) {
        Linear l = LoraTargets.linear(model, e.getKey());
        SavedCopy c = e.getValue();
        l.weight().value().set(c.weight.value().toFloatArray());
        if (c.bias != null) {
          l.bias().value().set(c.bias.value().toFloatArray());
        }
        l.attach(null);
      }
    }
    for (Parameter p : trainableParameters()) {
      p.value().close();
    }
    merged = true;
  }

  /**
   * Writes PEFT's adapter folder: {@code adapter_config.json} and {@code adapter_model.safetensors} (F32,
   * {@code {"format": "pt"}}), assembled under a temporary name and renamed into place.
   *
   * @param baseModelNameOrPath written as {@code base_model_name_or_path} (a hub id or the base folder), or null
   */
  public void save(Path folder, String baseModelNameOrPath) throws IOException {
    save(folder, baseModelNameOrPath, null);
  }

  /** {@link #save(Path, String)} with the tokenizer files beside the adapter, as TRL saves them. */
  @Internal
  public void save(Path folder, String baseModelNameOrPath, TokenizerFiles tokenizer) throws IOException {
    open();
    AdapterFiles.save(this, folder, baseModelNameOrPath, tokenizer);
  }

  /** PEFT's {@code task_type} for the model's head. */
  String taskType() {
    return model.headKind() == HeadKind.SCALAR ? "SEQ_CLS" : "CAUSAL_LM";
  }

  private void open() {
    checkState(!merged, "this LoRA adapter was merged into the model and is gone");
  }

  private static void uniform(SplittableRandom rnd, float[] v, double bound) {
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
    }
  }

  /** An {@code (rows, cols)} checkpoint tensor as its contiguous {@code (cols, rows)} transpose. */
  static NDArray transposed(NDManager m, float[] values, int rows, int cols) {
    NDArray stored = m.create(values, new Shape(rows, cols));
    NDArray t = stored.transpose().duplicate();
    stored.close();
    return t;
  }

  private NDArray dropout(NDArray x) {
    double p = config.loraDropout();
    if (mode != Mode.TRAINING || p == 0) {
      return x;
    }
    // inverted dropout, as nn.Dropout: keep with probability 1 − p and scale kept entries by 1/(1 − p)
    long n = x.size();
    float keep = (float) (1 / (1 - p));
    float[] mask = new float[Math.toIntExact(n)];
    for (int i = 0; i < mask.length; i++) {
      mask[i] = dropoutRandom.nextDouble() >= p ? keep : 0f;
    }
    return x.mul(x.getManager().create(mask, x.getShape()));
  }

  /** {@code base(x) + scale · (dropout(x)·A)·B} while enabled. */
  private static final class Branch implements LinearAdapter {
    final LoraAdapter owner;
    final Parameter a;   // (in, r)
    final Parameter b;   // (r, out)

    Branch(LoraAdapter owner, Parameter a, Parameter b) {
      this.owner = owner;
      this.a = a;
      this.b = b;
    }

    @Override
    public NDArray forward(NDArray x, UnaryOperator<NDArray> base) {
      NDArray y = base.apply(x);                                              // (..., out)
      if (!owner.enabled) {
        return y;
      }
      NDArray h = owner.dropout(x).matMul(a.value());                          // (..., r)
      return y.add(mul(h.matMul(b.value()), owner.config.scale()));
    }
  }

  /** PEFT's {@code ModulesToSaveWrapper}: a trainable copy used while enabled, the original otherwise. */
  private static final class SavedCopy implements LinearAdapter {
    final LoraAdapter owner;
    final Parameter weight;   // (in, out)
    final Parameter bias;     // (out) or null

    SavedCopy(LoraAdapter owner, Parameter weight, Parameter bias) {
      this.owner = owner;
      this.weight = weight;
      this.bias = bias;
    }

    @Override
    public NDArray forward(NDArray x, UnaryOperator<NDArray> base) {
      if (!owner.enabled) {
        return base.apply(x);
      }
      NDArray y = x.matMul(weight.value());
      return bias == null ? y : y.add(bias.value());
    }
  }
}
