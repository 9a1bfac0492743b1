package dev.align4j.core.model;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.align4j.core.runtime.DjlSetup;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A decoder-only transformer with one head, its parameters owned by its own manager.
 *
 * <p>Forward passes never attach results to the model's manager (ops start from step-local arrays, and derived views
 * of parameters are moved to the step's manager), so a training loop that closes a per-step manager keeps the
 * model's array count constant.
 */
public final class TransformerModel implements AutoCloseable {
  private final ModelConfig config;
  private final HeadKind headKind;
  private final NDManager manager;
  private final ParameterSet params;
  private final DecoderStack stack;
  private final Linear lmHead;       // untied LM head, or null
  private final Linear scoreHead;    // scalar head, or null

  private TransformerModel(ModelConfig config, HeadKind headKind, NDManager manager, WeightSource source) {
    this.config = config;
    this.headKind = headKind;
    this.manager = manager;
    this.params = new ParameterSet(manager, source);
    this.stack = config instanceof LlamaConfig c ? new LlamaStack(c, params, manager)
        : new Gpt2Stack((Gpt2Config) config, params);
    if (headKind == HeadKind.LANGUAGE_MODEL) {
      this.lmHead = config.tieWordEmbeddings() ? null
          : Linear.torch(params, "lm_head", config.hiddenSize(), config.vocabSize(), false, 0.02);
      this.scoreHead = null;
    } else {
      this.lmHead = null;
      // zero-initialised so that a reward model starts from "no preference" (the demo's calibration did the same)
      this.scoreHead = params.register(new Linear("score", params.add("score.weight", Parameter.Layout.TRANSPOSED,
          new ParameterSet.Init.Constant(0), config.hiddenSize(), 1), null));
    }
  }

  /** Builds a model whose parameters come from {@code source}, in a new manager. */
  public static TransformerModel create(ModelConfig config, HeadKind head, WeightSource source) {
    return new TransformerModel(config, head, DjlSetup.newManager(), source);
  }

  /** The hyper-parameters. */
  public ModelConfig config() {
    return config;
  }

  /** The head on top. */
  public HeadKind headKind() {
    return headKind;
  }

  /** The parameters in registration order. */
  public List<Parameter> parameters() {
    return params.list();
  }

  /** The parameter set (for optimizers and saving). */
  public ParameterSet parameterSet() {
    return params;
  }

  /**
   * The linear modules by Hugging Face module name, in registration order: the body's projections, then the head
   * ({@code lm_head} when untied, {@code score} on a scalar model). A tied LM head is the embedding, not a module.
   */
  public Map<String, Linear> linearModules() {
    return params.linears();
  }

  /** The name of the LM head module when it is a linear module of its own ({@code lm_head}), else empty. */
  public Optional<String> outputHeadModule() {
    return lmHead == null ? Optional.empty() : Optional.of(lmHead.name());
  }

  /** Makes every parameter trainable (records gradients under a collector) or frozen. */
  public void setTrainable(boolean trainable) {
    for (Parameter p : params.list()) {
      p.value().setRequiresGradient(trainable);
    }
  }

  /** The final hidden states {@code (B, T, E)}. */
  public NDArray hidden(ForwardInput in, KvCache cache) {
    return stack.forward(in, cache);
  }

  /** LM logits {@code (B, T, V)} of hidden states {@code (B, T, E)}. */
  public NDArray logits(NDArray hidden) {
    checkArgument(headKind == HeadKind.LANGUAGE_MODEL, "this model has a %s head, not an LM head", headKind);
    if (lmHead != null) {
      return lmHead.forward(hidden);
    }
    NDArray table = stack.tokenEmbedding().value().transpose();             // (E, V) view of the tied embedding
    table.attach(hidden.getManager());                                      // keep the model's manager clean
    return hidden.matMul(table);
  }

  /** Scalar head outputs {@code (B, T)} of hidden states {@code (B, T, E)}. */
  public NDArray scalars(NDArray hidden) {
    checkArgument(headKind == HeadKind.SCALAR, "this model has a %s head, not a scalar head", headKind);
    return scoreHead.forward(hidden).squeeze(2);
  }

  /** LM logits of a padded batch, {@code (B, T, V)}. */
  public NDArray logits(ForwardInput in) {
    return logits(hidden(in, null));
  }

  /**
   * A frozen copy that shares nothing mutable: duplicated parameter values in a new manager, no gradients. Used as the
   * reference policy π_ref.
   */
  public TransformerModel frozenCopy() {
    TransformerModel copy = withHead(headKind);
    copy.setTrainable(false);
    return copy;
  }

  /**
   * A copy in a new manager with {@code head} on top: the body's values duplicated, a head this model lacks
   * initialised as a new model's (a scalar head from zero: a reward model started from a policy). Frozen.
   */
  public TransformerModel withHead(HeadKind head) {
    WeightSource fresh = WeightSource.random(0);
    TransformerModel copy = create(config, head, (name, shape, init) -> {
      Parameter p = params.has(name) ? params.get(name) : null;
      if (p == null) {
        return fresh.read(name, shape, init);
      }
      NDArray v = p.value();
      NDArray hf = p.layout() == Parameter.Layout.TRANSPOSED ? v.transpose() : v;
      float[] data = hf.toFloatArray();
      if (hf != v) {
        hf.close();
      }
      return data;
    });
    copy.setTrainable(false);
    return copy;
  }

  /** Number of scalar parameters. */
  public long parameterCount() {
    return params.count();
  }

  /** The manager that owns the parameters. */
  public NDManager manager() {
    return manager;
  }

  /** The checkpoint-name prefix of the body ({@code model.} or {@code transformer.}). */
  public String bodyPrefix() {
    return stack.prefix();
  }

  /** Names a head-less checkpoint may lack (the head of a converted model) . */
  static Set<String> headNames() {
    return Set.of("score.weight", "lm_head.weight");
  }

  @Override
  public void close() {
    manager.close();
  }
}
