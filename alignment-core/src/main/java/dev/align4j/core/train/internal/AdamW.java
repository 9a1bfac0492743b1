package dev.align4j.core.train.internal;

import dev.align4j.core.train.OptimizerConfig;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.align4j.core.model.Parameter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AdamW (Loshchilov and Hutter 2019, Algorithm 2) in PyTorch's form:
 * <pre>
 * m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²
 * p ← p·(1 − lr·λ)                                  decoupled decay (matrices and embeddings only)
 * p ← p − (lr/(1−β₁ᵗ)) · m / (√v/√(1−β₂ᵗ) + ε)
 * </pre>
 * Gradients are first scaled by the global-norm clip coefficient. Moments live in the optimizer's own manager; every
 * temporary of an update is moved to the step's manager at once, so nothing accumulates across steps. DJL's built-in
 * optimizers clip each element on one side only, which is not what users mean by clipping, hence this class.
 */
public final class AdamW implements AutoCloseable {
  private final List<Parameter> params;
  private final OptimizerConfig config;
  private final NDManager manager;
  // by position in the parameter list: two models (policy and value) may share tensor names
  private final NDArray[] firstMoments;
  private final NDArray[] secondMoments;
  private long updates;

  /** An optimizer for {@code params}, its state in a sub-manager of {@code parent}. */
  public AdamW(List<Parameter> params, OptimizerConfig config, NDManager parent) {
    this.params = List.copyOf(params);
    this.config = config;
    this.manager = parent.newSubManager();
    this.firstMoments = new NDArray[params.size()];
    this.secondMoments = new NDArray[params.size()];
    for (int i = 0; i < params.size(); i++) {
      firstMoments[i] = manager.zeros(params.get(i).value().getShape());
      secondMoments[i] = manager.zeros(params.get(i).value().getShape());
    }
  }

  /** The configuration. */
  public OptimizerConfig config() {
    return config;
  }

  /** Updates applied so far. */
  public long updates() {
    return updates;
  }

  /** The gradient of {@code p}, owned by {@code step} (DJL hands out a new wrapper per call). */
  static NDArray gradient(Parameter p, NDManager step) {
    NDArray g = p.value().getGradient();
    g.attach(step);
    return g;
  }

  /** {@code √Σ‖g‖²} over every parameter, computed in the step's manager. */
  public double globalGradNorm(NDManager step) {
    NDArray total = null;
    for (Parameter p : params) {
      NDArray s = gradient(p, step).square().sum();
      total = total == null ? s : total.add(s);
    }
    return total == null ? 0 : Math.sqrt(total.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble());
  }

  /**
   * Applies one update with gradients scaled by {@code clipCoefficient}, then zeroes the gradients.
   *
   * @param learningRate the scheduled learning rate of this step
   */
  public void update(NDManager step, double learningRate, double clipCoefficient) {
    updates++;
    double b1 = config.beta1();
    double b2 = config.beta2();
    double bias1 = 1 - Math.pow(b1, updates);
    double bias2 = 1 - Math.pow(b2, updates);
    float stepSize = (float) (learningRate / bias1);
    float sqrtBias2 = (float) Math.sqrt(bias2);
    for (int i = 0; i < params.size(); i++) {
      Parameter p = params.get(i);
      NDArray w = p.value();
      NDArray g = gradient(p, step);
      if (clipCoefficient != 1.0) {
        g = g.mul((float) clipCoefficient);
      }
      NDArray m = firstMoments[i];
      NDArray v = secondMoments[i];
      m.muli((float) b1).addi(g.mul((float) (1 - b1)));
      v.muli((float) b2).addi(g.square().mul((float) (1 - b2)));
      if (config.weightDecay() > 0 && w.getShape().dimension() >= 2) {
        w.muli((float) (1 - learningRate * config.weightDecay()));
      }
      NDArray denom = local(v.sqrt(), step).div(sqrtBias2).add((float) config.epsilon());
      w.subi(local(m.div(denom), step).mul(stepSize));
    }
    zeroGradients();
  }

  /** Clears the gradients of every parameter (PyTorch accumulates them across backward passes). */
  public void zeroGradients() {
    for (Parameter p : params) {
      JniUtils.zeroGrad((PtNDArray) p.value());
    }
  }

  /** The moments, for checkpoints: {@code i:name.m}, {@code i:name.v} → values ({@code i} the list position). */
  public Map<String, float[]> state() {
    Map<String, float[]> s = new LinkedHashMap<>();
    for (int i = 0; i < params.size(); i++) {
      s.put(key(i) + ".m", firstMoments[i].toFloatArray());
      s.put(key(i) + ".v", secondMoments[i].toFloatArray());
    }
    return s;
  }

  private String key(int i) {
    return i + ":" + params.get(i).name();
  }

  /** Restores {@link #state()} and the update count. */
  public void restore(Map<String, float[]> state, long updateCount) {
    for (int i = 0; i < params.size(); i++) {
      float[] m = state.get(key(i) + ".m");
      float[] v = state.get(key(i) + ".v");
      if (m == null || v == null) {
        throw new IllegalArgumentException("optimizer state lacks the moments of " + key(i)
            + " (a checkpoint of another model?)");
      }
      firstMoments[i].set(m);
      secondMoments[i].set(v);
    }
    this.updates = updateCount;
  }

  private static NDArray local(NDArray x, NDManager step) {
    x.attach(step);
    return x;
  }

  @Override
  public void close() {
    manager.close();
  }
}
