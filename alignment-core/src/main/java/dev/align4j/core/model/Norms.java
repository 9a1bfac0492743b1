package dev.align4j.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** The two normalisations of the supported families, over the last axis of {@code (..., C)} inputs. */
final class Norms {
  private Norms() {}

  /** RMSNorm (Zhang and Sennrich 2019), Llama's: {@code w · x / sqrt(mean(x²) + eps)}, eps inside the root. */
  static final class Rms {
    private final Parameter weight;
    private final float eps;

    Rms(ParameterSet ps, String name, int size, double eps) {
      this.weight = ps.add(name + ".weight", Parameter.Layout.AS_STORED, new ParameterSet.Init.Constant(1), size);
      this.eps = (float) eps;
    }

    NDArray forward(NDArray x) {
      int last = x.getShape().dimension() - 1;
      NDArray inv = x.square().mean(new int[] {last}, true).add(eps).sqrt();
      return x.div(inv).mul(weight.value());
    }
  }

  /** LayerNorm (Ba et al. 2016), GPT-2's: biased variance, eps inside the root, weight and bias. */
  static final class Layer {
    private final Parameter weight;
    private final Parameter bias;
    private final float eps;

    Layer(ParameterSet ps, String name, int size, double eps) {
      this.weight = ps.add(name + ".weight", Parameter.Layout.AS_STORED, new ParameterSet.Init.Constant(1), size);
      this.bias = ps.add(name + ".bias", Parameter.Layout.AS_STORED, new ParameterSet.Init.Constant(0), size);
      this.eps = (float) eps;
    }

    NDArray forward(NDArray x) {
      long c = x.getShape().get(x.getShape().dimension() - 1);
      // PyTorch's fused layer_norm over the last axis only (DJL's LayerNorm block would normalise over T and C)
      return x.getNDArrayInternal().layerNorm(x, new Shape(c), weight.value(), bias.value(), eps).singletonOrThrow();
    }
  }
}
