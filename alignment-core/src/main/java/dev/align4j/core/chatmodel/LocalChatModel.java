package dev.align4j.core.chatmodel;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;
import static com.google.common.base.Verify.verify;

import dev.align4j.api.SamplingParams;
import dev.align4j.api.data.Completion;
import dev.align4j.api.judge.ChatModel;
import dev.align4j.api.judge.ChatOptions;
import dev.align4j.api.judge.ChatReply;
import dev.align4j.api.judge.ChatRequest;
import dev.align4j.core.lora.AdapterFolders;
import dev.align4j.core.AlignModel;
import dev.align4j.core.chat.ChatRendering;
import dev.align4j.core.chat.TemplateChatRendering;
import dev.align4j.core.model.LanguageModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A chat model served by a local checkpoint: each request's messages are rendered with the model's chat template and
 * its generation prompt, exactly as {@code apply_chat_template(add_generation_prompt=True)} does, and the reply is
 * generated with the KV cache.
 *
 * <pre>{@code
 * try (LocalChatModel judge = LocalChatModel.open(Path.of("models/qwen2.5-0.5b-instruct"))) {
 *   ChatReply r = judge.chat(List.of(new ChatRequest(messages, ChatOptions.firstToken(20)))).get(0);
 * }
 * }</pre>
 *
 * <p><b>Batching.</b> Requests whose sampling settings are equal (temperature, top_p, and max_tokens after the
 * clamp below) are generated together, in left-padded batches of up to {@link #MAX_BATCH} rows sorted by prompt
 * length. Each row samples from its own random stream seeded with the request's seed (0 when it has none), and stop
 * texts and log-probs are per row, so a reply depends only on its own request, never on what else was in the batch:
 * a batch returns what the requests would get one by one, up to the last bits of float arithmetic.
 *
 * <p><b>Sampling.</b> Temperature 0 is greedy (the first maximum, as {@code argmax}); otherwise the logits are
 * divided by the temperature and top_p keeps the smallest set of tokens reaching that mass, as transformers does.
 * Generation ends at EOS ({@code finish_reason} {@code stop}), at a stop text ({@code stop}; the reply's text is cut
 * before the first stop text, and the token that completed it is the last one generated) or after max_tokens
 * ({@code length}).
 *
 * <p><b>Log-probs.</b> With {@code topLogprobs > 0} every generated token (EOS and the token that completed a stop
 * text included) gets its log-probability under the raw next-token distribution {@code log_softmax(logits)}, not the
 * tempered or filtered one, and its {@code topLogprobs} most likely alternatives, most likely first; tokens are named
 * as the tokenizer decodes that single id, special tokens kept. This is what OpenAI returns, and one forward pass
 * serves {@link ChatOptions#firstToken}.
 *
 * <p><b>Context length.</b> The prompt must leave room for at least one token in the model's
 * {@link AlignModel#maxPositions() positions}; a longer one gets a {@link ChatReply.Failure} naming both lengths. A
 * max_tokens larger than the room left after the prompt is clamped to that room (a reply that reaches it ends with
 * {@code length}), so that a judge asking for a long critique of a long conversation still gets what fits. Every
 * reply carries its {@link dev.align4j.api.judge.TokenUsage}. A conversation the template refuses (a template's
 * {@code raise_exception}) is also a failure, never an exception.
 *
 * <p>Calls are serialised (an {@link AlignModel} is not thread-safe); every array of a batch lives in that batch's
 * own NDManager, freed when the batch ends.
 */
public final class LocalChatModel implements ChatModel {
  /** The most rows generated together: bounds the KV cache, {@code (B, H_kv, P + max_tokens, d)} per layer. */
  public static final int MAX_BATCH = 16;

  private static final Logger LOG = LoggerFactory.getLogger(LocalChatModel.class);

  private final AlignModel model;
  private final ChatRendering rendering;
  private final TokenTexts texts;
  private final String id;
  private final boolean ownsModel;
  private boolean closed;

  private LocalChatModel(AlignModel model, ChatRendering rendering, String id, boolean ownsModel) {
    this.model = model;
    this.rendering = rendering;
    this.texts = new TokenTexts(model.textTokenizer(), model.languageModel().model().config().vocabSize());
    this.id = id;
    this.ownsModel = ownsModel;
  }

  /**
   * Loads a Hugging Face model folder that has a chat template and serves it; the chat model owns the loaded model
   * and closes it.
   *
   * @param folder the folder ({@code config.json}, weights, {@code tokenizer.json}, and {@code chat_template.jinja}
   *     or a {@code chat_template} in {@code tokenizer_config.json})
   * @return a chat model whose {@link #id()} is the folder's name
   * @throws IOException when the folder is not a model folder, or has no chat template (checked before the weights
   *     are read)
   */
  public static LocalChatModel open(Path folder) throws IOException {
    return open(folder, null);
  }

  /**
   * {@link #open(Path)} for a PEFT adapter folder on an explicit base.
   *
   * @param folder a chat checkpoint, or an adapter folder
   * @param base the adapter's base folder, or null for its {@code base_model_name_or_path}
   * @return a chat model whose {@link #id()} is the folder's name
   * @throws IOException as {@link #open(Path)} does, and when the adapter does not load onto the base
   */
  public static LocalChatModel open(Path folder, Path base) throws IOException {
    checkNotNull(folder, "folder");
    if (!Files.isDirectory(folder)) {
      throw new IOException(folder + ": not a folder (expected a Hugging Face model folder)");
    }
    Path tokenizerFolder = AdapterFolders.isAdapter(folder)
        ? AdapterFolders.tokenizerFolder(folder, AdapterFolders.baseOf(folder, base)) : folder;
    if (!TemplateChatRendering.hasTemplate(tokenizerFolder)) {
      throw new IOException(folder + ": no chat template (neither chat_template.jinja nor \"chat_template\" in"
          + " tokenizer_config.json), so chat messages cannot be rendered the way the model was trained; copy the"
          + " template of the model's family into tokenizer_config.json, or use a chat (instruct) checkpoint");
    }
    AlignModel m = base == null ? AlignModel.load(folder) : AlignModel.loadAdapter(folder, base);
    try {
      return new LocalChatModel(m, m.chatRendering().orElseThrow(), name(folder), true);
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
  }

  /**
   * Serves a model already loaded, with its own chat template; closing the chat model leaves the model open.
   *
   * @param model a model whose folder had a chat template
   * @param id the name stamped on replies and cache keys, not blank
   * @return a chat model over {@code model}
   * @throws IllegalArgumentException when the model has no chat template
   */
  public static LocalChatModel of(AlignModel model, String id) {
    checkNotNull(model, "model");
    checkArgument(id != null && !id.isBlank(), "id must not be blank, got %s", id);
    ChatRendering r = model.chatRendering().orElseThrow(() -> new IllegalArgumentException("the model "
        + model.origin() + " has no chat template, so chat messages cannot be rendered; load a folder with"
        + " chat_template.jinja or a chat_template in tokenizer_config.json"));
    return new LocalChatModel(model, r, id, false);
  }

  private static String name(Path folder) {
    Path n = folder.toAbsolutePath().normalize().getFileName();
    return n == null ? folder.toString() : n.toString();
  }

  @Override
  public String id() {
    return id;
  }

  /**
   * The model's context length: prompt plus reply never exceed it.
   *
   * @return the number of positions
   */
  public int maxPositions() {
    return model.maxPositions();
  }

  @Override
  public synchronized List<ChatReply> chat(List<ChatRequest> requests) {
    checkState(!closed, "the chat model %s is closed", id);
    ChatReply[] out = new ChatReply[requests.size()];
    int[][] prompts = new int[requests.size()][];
    int positions = model.maxPositions();
    Map<SamplingParams, List<Integer>> groups = new LinkedHashMap<>();
    for (int i = 0; i < requests.size(); i++) {
      ChatRequest q = requests.get(i);
      try {
        prompts[i] = rendering.prompt(q.messages());
      } catch (RuntimeException e) {
        out[i] = new ChatReply.Failure("the chat template of " + id + " cannot render request " + i + ": "
            + e.getMessage());
        continue;
      }
      if (prompts[i].length == 0) {
        out[i] = new ChatReply.Failure("the chat template of " + id + " renders request " + i + " to no tokens");
        continue;
      }
      int room = positions - prompts[i].length;
      if (room < 1) {
        out[i] = new ChatReply.Failure("request " + i + "'s prompt is " + prompts[i].length + " tokens (its "
            + q.messages().size() + " messages rendered with the chat template) but " + id + " has "
            + positions + " positions, leaving no room for a reply; shorten the conversation");
        continue;
      }
      groups.computeIfAbsent(sampling(q.options(), Math.min(q.options().maxTokens(), room)), s -> new ArrayList<>())
          .add(i);
    }
    for (Map.Entry<SamplingParams, List<Integer>> g : groups.entrySet()) {
      List<Integer> rows = new ArrayList<>(g.getValue());
      rows.sort(Comparator.comparingInt(i -> prompts[i].length)); // similar lengths together: less padding
      for (int from = 0; from < rows.size(); from += MAX_BATCH) {
        generate(requests, prompts, rows.subList(from, Math.min(rows.size(), from + MAX_BATCH)), g.getKey(), out);
      }
    }
    return List.of(out);
  }

  private static SamplingParams sampling(ChatOptions o, int maxTokens) {
    return new SamplingParams(o.temperature(), 0, o.topP(), maxTokens, SamplingParams.EosHandling.STOP);
  }

  /** One padded batch: the rows' replies, or a failure for each when generation throws. */
  private void generate(List<ChatRequest> requests, int[][] prompts, List<Integer> rows, SamplingParams sampling,
      ChatReply[] out) {
    List<int[]> batch = new ArrayList<>(rows.size());
    long[] seeds = new long[rows.size()];
    ReplyBuilder[] replies = new ReplyBuilder[rows.size()];
    for (int k = 0; k < rows.size(); k++) {
      int i = rows.get(k);
      ChatOptions o = requests.get(i).options();
      batch.add(prompts[i]);
      seeds[k] = o.seed().orElse(0);
      replies[k] = new ReplyBuilder(o, prompts[i].length, sampling.maxNewTokens(), texts);
    }
    long start = System.nanoTime();
    LanguageModel lm = model.languageModel();
    try {
      List<Completion> done = lm.generate(batch, sampling, seeds,
          (r, logits, offset, vocab, token) -> replies[r].add(logits, offset, vocab, token));
      for (int k = 0; k < rows.size(); k++) {
        verify(replies[k].length() == done.get(k).length(), "row %s: watched %s tokens, generated %s", k,
            replies[k].length(), done.get(k).length());
        out[rows.get(k)] = replies[k].finish(done.get(k).endedWithEos());
      }
    } catch (RuntimeException e) {
      // the contract reports failures as values; a broken batch fails its own rows only
      LOG.warn("{}: generating a batch of {} failed", id, rows.size(), e);
      for (int i : rows) {
        out[i] = new ChatReply.Failure(id + ": generation failed: " + e);
      }
      return;
    }
    LOG.debug("{}: {} rows, up to {} new tokens, in {} ms", id, rows.size(), sampling.maxNewTokens(),
        (System.nanoTime() - start) / 1_000_000);
  }

  /** Closes the model when this chat model loaded it ({@link #open}); one passed to {@link #of} stays open. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      if (ownsModel) {
        model.close();
      }
    }
  }

  @Override
  public String toString() {
    return "LocalChatModel[" + id + ", " + model.origin() + "]";
  }
}
