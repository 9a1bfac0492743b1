package dev.align4j.core.model;

import ai.djl.ndarray.NDArray;

/** {@code y = x·W (+ b)} with {@code W} of shape {@code (in, out)}. */
final class Linear {
  private final Parameter weight;
  private final Parameter bias;

  /**
   * @param weight {@code (in, out)}
   * @param bias {@code (out)} or null
   */
  Linear(Parameter weight, Parameter bias) {
    this.weight = weight;
    this.bias = bias;
  }

  /** Registers an {@code nn.Linear} ({@code name.weight} stored {@code (out, in)}, optional {@code name.bias}). */
  static Linear torch(ParameterSet ps, String name, int in, int out, boolean withBias, double std) {
    Parameter w = ps.add(name + ".weight", Parameter.Layout.TRANSPOSED, new ParameterSet.Init.Normal(std), in, out);
    Parameter b = withBias ? ps.add(name + ".bias", Parameter.Layout.AS_STORED,
        new ParameterSet.Init.Constant(0), out) : null;
    return new Linear(w, b);
  }

  /** Registers a GPT-2 {@code Conv1D} (weight stored {@code (in, out)}, always a bias). */
  static Linear conv1d(ParameterSet ps, String name, int in, int out, double std) {
    Parameter w = ps.add(name + ".weight", Parameter.Layout.AS_STORED, new ParameterSet.Init.Normal(std), in, out);
    Parameter b = ps.add(name + ".bias", Parameter.Layout.AS_STORED, new ParameterSet.Init.Constant(0), out);
    return new Linear(w, b);
  }

  /** x {@code (..., in)} → {@code (..., out)}. */
  NDArray forward(NDArray x) {
    NDArray y = x.matMul(weight.value());
    return bias == null ? y : y.add(bias.value());
  }
}
