package dev.align4j.core.model;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parameters of a model in registration order, created from a {@link WeightSource}. All values live in one
 * manager that outlives training steps; step-local arrays never attach to it.
 */
public final class ParameterSet {
  private final NDManager manager;
  private final WeightSource source;
  private final Map<String, Parameter> params = new LinkedHashMap<>();
  private final Map<String, Linear> linears = new LinkedHashMap<>();

  ParameterSet(NDManager manager, WeightSource source) {
    this.manager = manager;
    this.source = source;
  }

  /**
   * Creates and registers a parameter.
   *
   * @param name the Hugging Face name
   * @param layout how the checkpoint stores it
   * @param init how to initialise it when the source has no weights (random models)
   * @param shape align4j's shape
   */
  Parameter add(String name, Parameter.Layout layout, Init init, long... shape) {
    checkArgument(!params.containsKey(name), "parameter %s registered twice", name);
    long[] stored = layout == Parameter.Layout.TRANSPOSED ? new long[] {shape[1], shape[0]} : shape;
    float[] values = source.read(name, stored, init);
    NDArray array = manager.create(values, new Shape(stored));
    if (layout == Parameter.Layout.TRANSPOSED) {
      NDArray t = array.transpose().duplicate(); // contiguous (in, out)
      array.close();
      array = t;
    }
    Parameter p = new Parameter(name, layout, array);
    params.put(name, p);
    return p;
  }

  /** Records a linear module under its name (what LoRA's target matching sees). */
  Linear register(Linear linear) {
    checkArgument(!linears.containsKey(linear.name()), "linear module %s registered twice", linear.name());
    linears.put(linear.name(), linear);
    return linear;
  }

  /** The linear modules ({@code nn.Linear} and GPT-2 {@code Conv1D}) in registration order, by name. */
  public Map<String, Linear> linears() {
    return Collections.unmodifiableMap(linears);
  }

  /** The parameters in registration order. */
  public List<Parameter> list() {
    return Collections.unmodifiableList(new ArrayList<>(params.values()));
  }

  /** The parameter of that Hugging Face name. */
  public Parameter get(String name) {
    Parameter p = params.get(name);
    checkArgument(p != null, "no parameter named %s", name);
    return p;
  }

  /** Whether a parameter of that name exists. */
  public boolean has(String name) {
    return params.containsKey(name);
  }

  /** Number of scalar parameters. */
  public long count() {
    long n = 0;
    for (Parameter p : params.values()) {
      n += p.value().size();
    }
    return n;
  }

  /** The manager that owns the values. */
  public NDManager manager() {
    return manager;
  }

  /** How a parameter of a freshly built model is initialised. */
  public sealed interface Init {
    /** Normal with mean 0 and the given standard deviation (GPT-2: 0.02; residual projections 0.02/√(2L)). */
    record Normal(double std) implements Init {}

    /** All equal to {@code value} (norm weights 1, biases 0, a reward head 0). */
    record Constant(double value) implements Init {}
  }
}
