package dev.align4j.core.chatmodel;

import static com.google.common.base.Preconditions.checkNotNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.hash.Hashing;
import dev.align4j.api.data.Message;
import dev.align4j.api.judge.ChatModel;
import dev.align4j.api.judge.ChatOptions;
import dev.align4j.api.judge.ChatReply;
import dev.align4j.api.judge.ChatRequest;
import dev.align4j.api.judge.TokenLogprob;
import dev.align4j.api.judge.TokenUsage;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A chat model whose replies are kept in a file, so that a rerun, or a run resumed after a kill, repeats no call:
 * each request is keyed by the SHA-256 of the model's id, the messages and the sampling options (for a judge that is
 * the judge, the question template, the principle, the order and the texts, all of which are in the messages), and
 * each reply is appended to the file as soon as the wrapped model reports it ({@link ChatModel#chat(List,
 * ReplySink)}), before the next one ends.
 *
 * <p>Answers and refusals are kept; failures are not (a transient HTTP error should be retried by the next run). A
 * last line cut short by a kill is skipped with a warning; a malformed line elsewhere is an error naming file and
 * line, since it means the file was edited or belongs to something else.
 */
public final class CachingChatModel implements ChatModel {
  private static final Logger LOG = LoggerFactory.getLogger(CachingChatModel.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ChatModel inner;
  private final Path file;
  private final Map<String, ChatReply> cache = new HashMap<>();
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();

  private CachingChatModel(ChatModel inner, Path file) {
    this.inner = inner;
    this.file = file;
  }

  /**
   * Wraps {@code inner} with the cache in {@code file}, reading what an earlier run kept.
   *
   * @throws IOException when the file cannot be read or holds a malformed line other than the last
   */
  public static CachingChatModel open(ChatModel inner, Path file) throws IOException {
    CachingChatModel m = new CachingChatModel(checkNotNull(inner, "inner"), checkNotNull(file, "file"));
    m.load();
    return m;
  }

  private void load() throws IOException {
    if (!Files.exists(file)) {
      return;
    }
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) {
        continue;
      }
      try {
        JsonNode n = JSON.readTree(line);
        cache.put(n.get("key").asText(), reply(n.get("reply")));
      } catch (JsonProcessingException | RuntimeException e) {
        if (i == lines.size() - 1) {
          LOG.warn("{}:{}: the last cached reply is incomplete (a run was killed while writing it); it will be asked"
              + " again", file, i + 1);
          continue;
        }
        throw new IOException(file + ":" + (i + 1) + ": not a cached reply (" + e.getMessage() + "); the cache file"
            + " was edited or belongs to something else: move it away to start without it", e);
      }
    }
    LOG.info("{}: {} cached replies", file, cache.size());
  }

  @Override
  public String id() {
    return inner.id();
  }

  /** Requests answered from the file since opening. */
  public long hits() {
    return hits.get();
  }

  /** Requests sent to the wrapped model since opening. */
  public long misses() {
    return misses.get();
  }

  @Override
  public List<ChatReply> chat(List<ChatRequest> requests) {
    ChatReply[] out = new ChatReply[requests.size()];
    chat(requests, (i, r) -> out[i] = r);
    return List.of(out);
  }

  @Override
  public void chat(List<ChatRequest> requests, ReplySink sink) {
    List<Integer> missing = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < requests.size(); i++) {
      String key = key(requests.get(i));
      keys.add(key);
      ChatReply cached;
      synchronized (cache) {
        cached = cache.get(key);
      }
      if (cached != null) {
        hits.incrementAndGet();
        sink.accept(i, cached);
      } else {
        missing.add(i);
      }
    }
    if (missing.isEmpty()) {
      return;
    }
    misses.addAndGet(missing.size());
    List<ChatRequest> ask = missing.stream().map(requests::get).toList();
    inner.chat(ask, (k, reply) -> {
      int i = missing.get(k);
      if (!(reply instanceof ChatReply.Failure)) {
        keep(keys.get(i), reply);
      }
      sink.accept(i, reply);
    });
  }

  private void keep(String key, ChatReply reply) {
    ObjectNode line = JSON.createObjectNode();
    line.put("key", key);
    line.set("reply", json(reply));
    synchronized (cache) {
      cache.put(key, reply);
      try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND)) {
        w.write(JSON.writeValueAsString(line));
        w.write('\n');
      } catch (IOException e) {
        throw new UncheckedIOException("cannot append to the chat cache " + file, e);
      }
    }
  }

  @Override
  public void close() {
    inner.close();
  }

  /** The cache key of a request to this model. */
  String key(ChatRequest r) {
    ObjectNode n = JSON.createObjectNode();
    n.put("model", inner.id());
    ArrayNode ms = n.putArray("messages");
    for (Message m : r.messages()) {
      ms.addObject().put("role", m.role()).put("content", m.content());
    }
    ChatOptions o = r.options();
    ObjectNode opts = n.putObject("options");
    opts.put("temperature", o.temperature()).put("top_p", o.topP()).put("max_tokens", o.maxTokens())
        .put("top_logprobs", o.topLogprobs());
    o.stop().forEach(opts.putArray("stop")::add);
    o.seed().ifPresent(s -> opts.put("seed", s));
    try {
      return Hashing.sha256().hashString(JSON.writeValueAsString(n), StandardCharsets.UTF_8).toString();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode json(ChatReply reply) {
    ObjectNode n = JSON.createObjectNode();
    if (reply instanceof ChatReply.Refusal r) {
      return n.put("refusal", r.reason());
    }
    ChatReply.Answer a = (ChatReply.Answer) reply;
    n.put("text", a.text()).put("finish_reason", a.finishReason());
    a.usage().ifPresent(u -> n.putObject("usage").put("prompt_tokens", u.promptTokens())
        .put("completion_tokens", u.completionTokens()));
    ArrayNode lps = n.putArray("logprobs");
    for (TokenLogprob t : a.logprobs()) {
      ObjectNode x = lps.addObject().put("token", t.token()).put("logprob", t.logprob());
      ArrayNode top = x.putArray("top");
      t.top().forEach(alt -> top.addObject().put("token", alt.token()).put("logprob", alt.logprob()));
    }
    return n;
  }

  private static ChatReply reply(JsonNode n) {
    if (n.has("refusal")) {
      return new ChatReply.Refusal(n.get("refusal").asText());
    }
    List<TokenLogprob> lps = new ArrayList<>();
    for (JsonNode x : n.get("logprobs")) {
      List<TokenLogprob.Alternative> top = new ArrayList<>();
      for (JsonNode alt : x.get("top")) {
        top.add(new TokenLogprob.Alternative(alt.get("token").asText(), alt.get("logprob").asDouble()));
      }
      lps.add(new TokenLogprob(x.get("token").asText(), x.get("logprob").asDouble(), top));
    }
    JsonNode u = n.get("usage"); // absent in caches written before usage was kept, and for models that report none
    Optional<TokenUsage> usage = u == null ? Optional.empty()
        : Optional.of(new TokenUsage(u.get("prompt_tokens").asInt(), u.get("completion_tokens").asInt()));
    return new ChatReply.Answer(n.get("text").asText(), lps, n.get("finish_reason").asText(), usage);
  }
}
