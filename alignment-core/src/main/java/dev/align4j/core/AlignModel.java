package dev.align4j.core;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.align4j.api.Internal;
import dev.align4j.api.SamplingParams;
import dev.align4j.api.TrainablePolicy;
import dev.align4j.api.data.Completion;
import dev.align4j.api.data.PolicyTokenizer;
import dev.align4j.api.data.Text;
import dev.align4j.api.data.TokenBatch;
import dev.align4j.core.chat.ChatRendering;
import dev.align4j.core.model.BuiltinModels;
import dev.align4j.core.lora.AdapterFolders;
import dev.align4j.core.model.HeadKind;
import dev.align4j.core.model.LanguageModel;
import dev.align4j.core.model.ModelFolder;
import dev.align4j.core.model.PaddedBatch;
import dev.align4j.core.model.Parameter;
import dev.align4j.core.model.Provenance;
import dev.align4j.core.model.TokenizerFiles;
import dev.align4j.core.model.TransformerModel;
import dev.align4j.core.model.WeightSource;
import dev.align4j.core.model.tokenizer.CharTokenizerBuilder;
import dev.align4j.core.model.tokenizer.TextTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A language model loaded once: weights, tokenizer and chat template together. The handle the trainers take and
 * return ({@code SftTrainer.of(config).train(model, demonstrations)}), and a {@link TrainablePolicy} in its own right.
 *
 * <pre>{@code
 * try (AlignModel base = AlignModel.load(Path.of("models/qwen2.5-0.5b"))) {
 *   String answer = base.complete("What is 2 + 2?", SamplingParams.greedy(16), 0);
 * }
 * }</pre>
 *
 * <p>Loads Hugging Face folders of the Llama family (Llama, Qwen2, Qwen3, SmolLM, Mistral-style) and GPT-2, in F32,
 * F16 or BF16; saves them back with Hugging Face names so that {@code transformers} loads them. Holds native memory:
 * close it (try-with-resources). Not thread-safe.
 */
public final class AlignModel implements TrainablePolicy {
  private final LanguageModel lm;
  private final Tokenization text;
  private final String origin;
  private Provenance provenance;
  private boolean closed;

  private AlignModel(LanguageModel lm, Tokenization text, String origin, Provenance provenance) {
    this.lm = lm;
    this.text = text;
    this.origin = origin;
    this.provenance = provenance;
  }

  /**
   * Loads a Hugging Face folder ({@code config.json}, {@code model.safetensors} or shards, {@code tokenizer.json},
   * optional {@code tokenizer_config.json} with the chat template).
   *
   * @throws IOException naming the folder and what is missing or wrong
   */
  public static AlignModel load(Path folder) throws IOException {
    if (!Files.isDirectory(folder)) {
      throw new IOException(folder + ": not a folder (expected a Hugging Face model folder)");
    }
    if (AdapterFolders.isAdapter(folder)) {
      return loadAdapter(folder, null);
    }
    Tokenization text = Tokenization.load(folder);
    try {
      TransformerModel m = ModelFolder.load(folder, HeadKind.LANGUAGE_MODEL);
      return new AlignModel(new LanguageModel(m, text.tokenizer.padId(), text.tokenizer.eosIds()), text,
          folder.toString(), null);
    } catch (IOException | RuntimeException e) {
      text.close();
      throw e;
    }
  }

  /**
   * Loads a PEFT adapter folder onto its base and merges it ({@code W + scale · B A}): the model the adapter trained,
   * as a plain model. {@link #load} does this for an adapter folder whose {@code base_model_name_or_path} is a local
   * folder.
   *
   * @param adapter {@code adapter_config.json} and {@code adapter_model.safetensors} (tokenizer files optional)
   * @param base the base model folder, or null for the adapter's {@code base_model_name_or_path}
   * @throws IOException naming the file and what is wrong: no such base, tensors that do not match its modules
   */
  public static AlignModel loadAdapter(Path adapter, Path base) throws IOException {
    Path baseFolder = AdapterFolders.baseOf(adapter, base);
    Tokenization text = Tokenization.load(AdapterFolders.tokenizerFolder(adapter, baseFolder));
    try {
      TransformerModel m = AdapterFolders.loadMerged(adapter, baseFolder, HeadKind.LANGUAGE_MODEL);
      return new AlignModel(new LanguageModel(m, text.tokenizer.padId(), text.tokenizer.eosIds()), text,
          adapter + " (adapter on " + baseFolder + ")", null);
    } catch (IOException | RuntimeException e) {
      text.close();
      throw e;
    }
  }

  /**
   * A new, randomly initialised built-in model (GPT-2 style, d 64, 4 layers, about 0.2M parameters) with a character
   * tokenizer of {@code corpus}'s characters: the model of the demo and the tests, trained from scratch in minutes.
   *
   * @param corpus every character the model will read or write
   * @param maxPositions the longest sequence, prompt plus completion
   * @param seed the initialisation's seed
   */
  public static AlignModel builtin(String corpus, int maxPositions, long seed) throws IOException {
    checkArgument(maxPositions >= 2, "maxPositions must be >= 2, got %s", maxPositions);
    CharTokenizerBuilder chars = new CharTokenizerBuilder().add(corpus);
    Path tmp = Files.createTempDirectory("align4j-builtin");
    TokenizerFiles files;
    try {
      chars.write(tmp);
      files = TokenizerFiles.of(tmp);
    } finally {
      deleteTree(tmp);
    }
    Tokenization text = Tokenization.of(files);
    try {
      TransformerModel m = TransformerModel.create(BuiltinModels.tiny(chars.vocabSize(), maxPositions,
          text.tokenizer.bosId().orElse(1), text.tokenizer.eosIds().iterator().next()), HeadKind.LANGUAGE_MODEL,
          WeightSource.random(seed));
      return new AlignModel(new LanguageModel(m, text.tokenizer.padId(), text.tokenizer.eosIds()), text,
          "built-in (seed " + seed + ")", Provenance.of("built-in", "random init, seed " + seed, "none", null));
    } catch (RuntimeException e) {
      text.close();
      throw e;
    }
  }

  /**
   * A model of the given transformer (LM head) and tokenizer files, which must agree on the vocabulary; the model owns
   * the transformer.
   */
  @Internal
  public static AlignModel of(TransformerModel model, TokenizerFiles files, String origin) throws IOException {
    Tokenization text = Tokenization.of(files);
    try {
      return new AlignModel(new LanguageModel(model, text.tokenizer.padId(), text.tokenizer.eosIds()), text, origin,
          null);
    } catch (RuntimeException e) {
      text.close();
      throw e;
    }
  }

  /**
   * Writes the model as a Hugging Face folder (weights, {@code config.json}, tokenizer files, provenance), assembled
   * under a temporary name and renamed into place.
   */
  public void save(Path folder) throws IOException {
    open();
    ModelFolder.save(lm.model(), folder, text.files, provenance, null);
  }

  /** Where the model came from: its folder, or a description. */
  public String origin() {
    return origin;
  }

  /** Number of scalar parameters. */
  public long parameterCount() {
    open();
    return lm.model().parameterCount();
  }

  /**
   * Completes one prompt (a chat prompt is rendered with the model's template and its generation prompt).
   *
   * @return the completion's text, special tokens removed
   */
  public String complete(Text prompt, SamplingParams sampling, long seed) {
    open();
    int[] ids = text.tokens.prompt(prompt);
    Completion c = lm.generate(List.of(ids), sampling, seed).get(0);
    return text.tokens.decode(c.tokenIds());
  }

  /** Completes one plain-text prompt. */
  public String complete(String prompt, SamplingParams sampling, long seed) {
    return complete(Text.plain(prompt), sampling, seed);
  }

  // ---- Policy and TrainablePolicy --------------------------------------------------------------------------------

  @Override
  public NDArray tokenLogProbs(NDManager manager, TokenBatch batch) {
    open();
    return lm.tokenLogProbs(manager, batch);
  }

  @Override
  public List<Completion> generate(List<int[]> prompts, SamplingParams sampling, long seed) {
    open();
    return lm.generate(prompts, sampling, seed);
  }

  @Override
  public PolicyTokenizer tokenizer() {
    return text.tokens;
  }

  @Override
  public NDArray logits(NDManager manager, TokenBatch batch) {
    open();
    PaddedBatch pb = PaddedBatch.of(manager, batch, lm.padId(), lm.model().config().slidingWindow());
    return lm.model().logits(pb.input());
  }

  @Override
  public NDArray responseLogits(NDManager manager, List<int[]> prompts, List<int[]> responses, int responseWidth) {
    open();
    // prompts left-padded to P, responses right-padded to R: column P − 1 + j predicts response token j in every row
    int[][] p = prompts.toArray(new int[0][]);
    PaddedBatch pb = PaddedBatch.promptResponse(manager, p, responses.toArray(new int[0][]), lm.padId(),
        responseWidth, lm.model().config().slidingWindow());
    int width = 0;
    for (int[] x : p) {
      width = Math.max(width, x.length);
    }
    return lm.model().logits(pb.input()).get(":, " + (width - 1) + ":" + (width - 1 + responseWidth) + ", :");
  }

  @Override
  public NDArray packedLogits(NDManager manager, int[][] rows, int[][] segments) {
    open();
    PaddedBatch pb = PaddedBatch.packed(manager, rows, segments, lm.padId(), lm.model().config().slidingWindow());
    return lm.model().logits(pb.input());
  }

  @Override
  public int maxPositions() {
    return lm.model().config().maxPositions();
  }

  @Override
  public Map<String, NDArray> parameters() {
    open();
    Map<String, NDArray> m = new LinkedHashMap<>();
    for (Parameter p : lm.model().parameters()) {
      m.put(p.name(), p.value());
    }
    return m;
  }

  @Override
  public void setTrainable(boolean trainable) {
    open();
    lm.model().setTrainable(trainable);
  }

  /** An independent copy: duplicated weights, the same tokenizer (shared, closed with the last copy). */
  @Override
  public AlignModel copy() {
    open();
    TransformerModel m = lm.model().frozenCopy();
    return new AlignModel(new LanguageModel(m, lm.padId(), lm.eosIds()), text.share(), origin, provenance);
  }

  /** Writes a Hugging Face folder's files into {@code dir}, so a checkpoint is itself a loadable model. */
  @Override
  public void writeWeights(Path dir) throws IOException {
    open();
    ModelFolder.writeInto(lm.model(), dir, text.files, null, null);
  }

  @Override
  public void readWeights(Path dir) throws IOException {
    open();
    ModelFolder.readInto(lm.model(), dir);
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      lm.close();
      text.close();
    }
  }

  @Override
  public String toString() {
    return "AlignModel[" + origin + ", " + lm.model().config().modelType() + "]";
  }

  // ---- for align4j's trainers ------------------------------------------------------------------------------------

  /** The transformer with its LM head. */
  @Internal
  public LanguageModel languageModel() {
    open();
    return lm;
  }

  /** The tokenizer itself, for decoding single tokens with their special tokens (a chat model's log-probs). */
  @Internal
  public TextTokenizer textTokenizer() {
    return text.tokenizer;
  }

  /** The rendering of the model's chat template, or empty when its folder has none. */
  @Internal
  public Optional<ChatRendering> chatRendering() {
    return Optional.ofNullable(text.chat);
  }

  /** The tokenizer files, for saving models derived from this one. */
  @Internal
  public TokenizerFiles tokenizerFiles() {
    return text.files;
  }

  /**
   * A model of the same architecture and tokenizer with the weights of {@code dir} (a checkpoint of this model),
   * loaded as a new model rather than copied into one: a resumed run then allocates exactly as the uninterrupted run
   * did, which keeps its arithmetic bitwise the same (copying into existing tensors was not, from the seventh step on).
   */
  @Internal
  public AlignModel withWeightsFrom(Path dir) throws IOException {
    open();
    TransformerModel m = ModelFolder.load(dir, HeadKind.LANGUAGE_MODEL);
    return new AlignModel(new LanguageModel(m, lm.padId(), lm.eosIds()), text.share(), origin, provenance);
  }

  /** A reward-model (or value-model) body of this model's weights with a zero scalar head, sharing the tokenizer. */
  @Internal
  public AlignRewardModel newScalarModel(int maxLength) {
    open();
    return AlignRewardModel.of(lm.model().withHead(HeadKind.SCALAR), text.share(), maxLength, origin);
  }

  /** How the model was made, written beside its weights. */
  @Internal
  public void provenance(Provenance p) {
    this.provenance = p;
  }

  private void open() {
    checkState(!closed, "this AlignModel (%s) is closed", origin);
  }

  private static void deleteTree(Path p) throws IOException {
    try (Stream<Path> s = Files.walk(p)) {
      List<Path> all = new ArrayList<>(s.sorted(Comparator.reverseOrder()).toList());
      for (Path x : all) {
        Files.deleteIfExists(x);
      }
    }
  }
}
