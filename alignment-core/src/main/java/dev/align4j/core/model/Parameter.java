package dev.align4j.core.model;

import ai.djl.ndarray.NDArray;

/**
 * A trainable tensor under its Hugging Face name. align4j keeps linear weights as {@code (in, out)} so that a forward
 * pass is {@code x·W} without a transpose; {@link Layout#TRANSPOSED} marks tensors that PyTorch's {@code nn.Linear}
 * stores as {@code (out, in)}, converted when loading and saving.
 */
public final class Parameter {
  private final String name;
  private final Layout layout;
  private NDArray value;

  Parameter(String name, Layout layout, NDArray value) {
    this.name = name;
    this.layout = layout;
    this.value = value;
  }

  /**
   * A parameter of a policy that is not one of align4j's transformers (its tensors are used as they are): what the
   * optimizer needs of any {@link dev.align4j.api.TrainablePolicy}.
   */
  public static Parameter of(String name, NDArray value) {
    return new Parameter(name, Layout.AS_STORED, value);
  }

  /** A parameter stored in a checkpoint in {@code layout} relative to {@code value} (align4j's layout). */
  public static Parameter of(String name, Layout layout, NDArray value) {
    return new Parameter(name, layout, value);
  }

  /** The Hugging Face tensor name, e.g. {@code model.layers.0.self_attn.q_proj.weight}. */
  public String name() {
    return name;
  }

  /** How the checkpoint stores it relative to align4j. */
  public Layout layout() {
    return layout;
  }

  /** The current value, in align4j's layout. */
  public NDArray value() {
    return value;
  }

  void replace(NDArray newValue) {
    this.value = newValue;
  }

  /** Whether the checkpoint stores the transpose of align4j's layout. */
  public enum Layout {
    /** Same layout (embeddings, norms, biases, GPT-2 Conv1D weights). */
    AS_STORED,
    /** The checkpoint holds {@code (out, in)} ({@code nn.Linear}); align4j holds {@code (in, out)}. */
    TRANSPOSED
  }
}
