package dev.align4j.core;

import dev.align4j.core.chat.TemplateChatRendering;
import dev.align4j.core.model.TokenizerFiles;
import dev.align4j.core.model.tokenizer.TextExampleTokenizer;
import dev.align4j.core.model.tokenizer.TextTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A model's text side, shared by its copies: the tokenizer files (kept in memory, so a model saves anywhere), the
 * loaded tokenizer, the chat template and the data tokenizer over both. Reference-counted: the last owner to close
 * frees the native tokenizer.
 */
final class Tokenization implements AutoCloseable {
  final TokenizerFiles files;
  final TextTokenizer tokenizer;
  final TemplateChatRendering chat;
  final TextExampleTokenizer tokens;
  private final AtomicInteger owners = new AtomicInteger(1);

  private Tokenization(TokenizerFiles files, TextTokenizer tokenizer, TemplateChatRendering chat) {
    this.files = files;
    this.tokenizer = tokenizer;
    this.chat = chat;
    this.tokens = new TextExampleTokenizer(tokenizer, chat);
  }

  /** The tokenizer and chat template of a model folder. */
  static Tokenization load(Path folder) throws IOException {
    TokenizerFiles files = TokenizerFiles.of(folder);
    TextTokenizer tokenizer = TextTokenizer.load(folder);
    try {
      TemplateChatRendering chat = TemplateChatRendering.forFolder(folder).orElse(null);
      return new Tokenization(files, tokenizer, chat);
    } catch (IOException | RuntimeException e) {
      tokenizer.close();
      throw e;
    }
  }

  /** The tokenizer of files held in memory (written to a private temporary folder to load, then removed). */
  static Tokenization of(TokenizerFiles files) throws IOException {
    Path tmp = Files.createTempDirectory("align4j-tokenizer");
    try {
      files.writeInto(tmp);
      Tokenization t = load(tmp);
      return t;
    } finally {
      try (Stream<Path> s = Files.walk(tmp)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  /** One more owner (a copy of the model). */
  Tokenization share() {
    if (owners.getAndIncrement() <= 0) {
      owners.decrementAndGet();
      throw new IllegalStateException("the model's tokenizer is closed");
    }
    return this;
  }

  @Override
  public void close() {
    if (owners.decrementAndGet() == 0) {
      if (chat != null) {
        chat.close();
      }
      tokenizer.close();
    }
  }
}
