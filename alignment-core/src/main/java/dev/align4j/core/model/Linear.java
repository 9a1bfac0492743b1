package dev.align4j.core.model;

import ai.djl.ndarray.NDArray;

/**
 * {@code y = x·W (+ b)} with {@code W} of shape {@code (in, out)}: an {@code nn.Linear} (checkpoint stores {@code W}
 * as {@code (out, in)}, {@link Parameter.Layout#TRANSPOSED}) or a GPT-2 {@code Conv1D} (stored {@code (in, out)},
 * {@link Parameter.Layout#AS_STORED}). A {@link LinearAdapter} may be attached to change what the module computes
 * (a LoRA branch, a trainable copy); the base weights stay as they are.
 */
public final class Linear {
  private final String name;
  private final Parameter weight;
  private final Parameter bias;
  private LinearAdapter adapter;

  /**
   * @param name the module's Hugging Face name ({@code model.layers.0.self_attn.q_proj})
   * @param weight {@code (in, out)}
   * @param bias {@code (out)} or null
   */
  Linear(String name, Parameter weight, Parameter bias) {
    this.name = name;
    this.weight = weight;
    this.bias = bias;
  }

  /** Registers an {@code nn.Linear} ({@code name.weight} stored {@code (out, in)}, optional {@code name.bias}). */
  static Linear torch(ParameterSet ps, String name, int in, int out, boolean withBias, double std) {
    Parameter w = ps.add(name + ".weight", Parameter.Layout.TRANSPOSED, new ParameterSet.Init.Normal(std), in, out);
    Parameter b = withBias ? ps.add(name + ".bias", Parameter.Layout.AS_STORED,
        new ParameterSet.Init.Constant(0), out) : null;
    return ps.register(new Linear(name, w, b));
  }

  /** Registers a GPT-2 {@code Conv1D} (weight stored {@code (in, out)}, always a bias). */
  static Linear conv1d(ParameterSet ps, String name, int in, int out, double std) {
    Parameter w = ps.add(name + ".weight", Parameter.Layout.AS_STORED, new ParameterSet.Init.Normal(std), in, out);
    Parameter b = ps.add(name + ".bias", Parameter.Layout.AS_STORED, new ParameterSet.Init.Constant(0), out);
    return ps.register(new Linear(name, w, b));
  }

  /** The module's Hugging Face name, without {@code .weight}. */
  public String name() {
    return name;
  }

  /** Input width. */
  public long inFeatures() {
    return weight.value().getShape().get(0);
  }

  /** Output width. */
  public long outFeatures() {
    return weight.value().getShape().get(1);
  }

  /** Whether this is a GPT-2 {@code Conv1D} (its checkpoint weight is {@code (in, out)}: PEFT's fan_in_fan_out). */
  public boolean isConv1d() {
    return weight.layout() == Parameter.Layout.AS_STORED;
  }

  /** The weight, {@code (in, out)} in align4j's layout. */
  public Parameter weight() {
    return weight;
  }

  /** The bias {@code (out)}, or null. */
  public Parameter bias() {
    return bias;
  }

  /** The attached adapter, or null. */
  public LinearAdapter adapter() {
    return adapter;
  }

  /** Attaches {@code a} (null detaches); the module then computes {@code a.forward(x, base)}. */
  public void attach(LinearAdapter a) {
    this.adapter = a;
  }

  /** x {@code (..., in)} → {@code (..., out)}, through the adapter when one is attached. */
  NDArray forward(NDArray x) {
    return adapter == null ? base(x) : adapter.forward(x, this::base);
  }

  /** The module's own {@code x·W + b}. */
  private NDArray base(NDArray x) {
    NDArray y = x.matMul(weight.value());
    return bias == null ? y : y.add(bias.value());
  }
}
