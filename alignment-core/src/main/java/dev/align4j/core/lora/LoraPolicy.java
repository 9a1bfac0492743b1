package dev.align4j.core.lora;

import static com.google.common.base.Preconditions.checkNotNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.align4j.api.SamplingParams;
import dev.align4j.api.TrainablePolicy;
import dev.align4j.api.data.Completion;
import dev.align4j.api.data.PolicyTokenizer;
import dev.align4j.api.data.TokenBatch;
import dev.align4j.core.AlignModel;
import dev.align4j.core.model.Parameter;
import dev.align4j.core.model.safetensors.SafetensorsReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A policy trained through a LoRA adapter, as TRL trains with {@code peft_config}: a frozen copy of the base model
 * with {@link LoraAdapter} attached, whose {@link #parameters()} are only the adapter's (A, B and the
 * {@code modules_to_save} copies), so the optimizer holds moments for those alone. Checkpoints and the final model are
 * PEFT adapter folders ({@code adapter_config.json}, {@code adapter_model.safetensors}, the tokenizer files) that
 * PEFT and {@link AlignModel#load} read. Any trainer takes it where it takes an {@link AlignModel}.
 *
 * <p>Dropout ({@code lora_dropout}) acts in the training forward passes ({@link #logits}, {@link #responseLogits},
 * {@link #packedLogits}) and never in scoring or generation. Its masks come from the adapter's own seeded stream, so a
 * run resumed from a checkpoint is bitwise the uninterrupted one only with {@code lora_dropout} 0.
 */
public final class LoraPolicy implements TrainablePolicy {
  private final AlignModel model;
  private final LoraAdapter adapter;
  private final String baseName;

  private LoraPolicy(AlignModel model, LoraAdapter adapter, String baseName) {
    this.model = model;
    this.adapter = adapter;
    this.baseName = baseName;
  }

  /**
   * A fresh adapter on a copy of {@code base} ({@code base} itself is unchanged).
   *
   * @param baseName written as {@code base_model_name_or_path}: the base folder, so the adapter loads back onto it
   */
  public static LoraPolicy of(AlignModel base, LoraConfig config, String baseName) {
    checkNotNull(base, "base");
    checkNotNull(config, "config");
    AlignModel copy = base.copy();
    try {
      return new LoraPolicy(copy, LoraAdapter.apply(copy, config), baseName);
    } catch (RuntimeException e) {
      copy.close();
      throw e;
    }
  }

  /**
   * A fresh adapter attached to {@code model} itself, which the policy then owns (closing it closes the model): one
   * copy of the weights fewer than {@link #of}, for a model loaded only to be trained.
   */
  public static LoraPolicy attach(AlignModel model, LoraConfig config, String baseName) {
    checkNotNull(model, "model");
    checkNotNull(config, "config");
    return new LoraPolicy(model, LoraAdapter.apply(model, config), baseName);
  }

  /** The adapter (its configuration, modules, merge). */
  public LoraAdapter adapter() {
    return adapter;
  }

  /** The base model with the adapter attached (its tokenizer, chat template, generation). */
  public AlignModel model() {
    return model;
  }

  private <T> T inference(Supplier<T> work) {
    LoraAdapter.Mode before = adapter.mode();
    adapter.mode(LoraAdapter.Mode.INFERENCE);
    try {
      return work.get();
    } finally {
      adapter.mode(before);
    }
  }

  private <T> T training(Supplier<T> work) {
    LoraAdapter.Mode before = adapter.mode();
    adapter.mode(LoraAdapter.Mode.TRAINING);
    try {
      return work.get();
    } finally {
      adapter.mode(before);
    }
  }

  @Override
  public NDArray tokenLogProbs(NDManager manager, TokenBatch batch) {
    return inference(() -> model.tokenLogProbs(manager, batch));
  }

  @Override
  public List<Completion> generate(List<int[]> prompts, SamplingParams sampling, long seed) {
    return inference(() -> model.generate(prompts, sampling, seed));
  }

  @Override
  public PolicyTokenizer tokenizer() {
    return model.tokenizer();
  }

  @Override
  public NDArray logits(NDManager manager, TokenBatch batch) {
    return training(() -> model.logits(manager, batch));
  }

  @Override
  public NDArray responseLogits(NDManager manager, List<int[]> prompts, List<int[]> responses, int responseWidth) {
    return training(() -> model.responseLogits(manager, prompts, responses, responseWidth));
  }

  @Override
  public NDArray packedLogits(NDManager manager, int[][] rows, int[][] segments) {
    return training(() -> model.packedLogits(manager, rows, segments));
  }

  @Override
  public int maxPositions() {
    return model.maxPositions();
  }

  /** The adapter's parameters only, under PEFT's tensor names; the base stays frozen. */
  @Override
  public Map<String, NDArray> parameters() {
    Map<String, NDArray> out = new LinkedHashMap<>();
    for (Parameter p : adapter.trainableParameters()) {
      out.put(p.name(), p.value());
    }
    return out;
  }

  /** Records gradients for the adapter (or stops); the base is never trained. */
  @Override
  public void setTrainable(boolean trainable) {
    for (Parameter p : adapter.trainableParameters()) {
      p.value().setRequiresGradient(trainable);
    }
  }

  /** A second base copy with a new adapter holding this one's values. */
  @Override
  public LoraPolicy copy() {
    LoraPolicy c = of(model, adapter.config(), baseName);
    List<Parameter> mine = adapter.trainableParameters();
    List<Parameter> theirs = c.adapter.trainableParameters();
    for (int i = 0; i < mine.size(); i++) {
      theirs.get(i).value().set(mine.get(i).value().toFloatArray());
    }
    c.setTrainable(false);
    return c;
  }

  /** PEFT's adapter folder with the tokenizer files, into {@code dir} (a checkpoint, or {@code final/}). */
  @Override
  public void writeWeights(Path dir) throws IOException {
    AdapterFiles.writeInto(adapter, dir, baseName);
    model.tokenizerFiles().writeInto(dir);
  }

  /** The adapter's tensors from a folder {@link #writeWeights} wrote. */
  @Override
  public void readWeights(Path dir) throws IOException {
    try (SafetensorsReader r = SafetensorsReader.open(dir.resolve(AdapterFiles.WEIGHTS));
        NDManager m = NDManager.newBaseManager()) {
      for (Parameter p : adapter.trainableParameters()) {
        float[] stored = r.readFloats(p.name());
        if (p.layout() == Parameter.Layout.TRANSPOSED) {
          long[] shape = p.value().getShape().getShape();             // align4j's (in, out); the file has (out, in)
          NDArray t = m.create(stored, new Shape(shape[1], shape[0])).transpose();
          stored = t.toFloatArray();
        }
        p.value().set(stored);
      }
    }
  }

  @Override
  public void close() {
    model.close();
  }

  @Override
  public String toString() {
    return "LoraPolicy[" + model.origin() + ", r " + adapter.config().r() + ", " + adapter.adaptedModules().size()
        + " modules]";
  }
}
