package dev.align4j.examples.cli;

import dev.align4j.core.chatmodel.LocalChatModel;
import dev.align4j.core.serve.ChatCompletionsServer;
import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code align serve --model DIR [--host 127.0.0.1] [--port 8000] [--name NAME]}: serves the model through its chat
 * template as an OpenAI-compatible API ({@code GET /v1/models}, {@code POST /v1/chat/completions}) until the process
 * is killed; a shutdown hook stops the server and frees the model. Stdout stays empty; stderr gets one line with the
 * URL to give a client, then the request log.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Serve the model (through its chat template) as an OpenAI-compatible API until killed.")
final class ServeCommand implements Callable<Integer> {
  @Mixin
  ModelOptions modelOptions;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "The address to listen on; 0.0.0.0 for every"
      + " interface (default: ${DEFAULT-VALUE}, this machine only).")
  String host;

  @Option(names = "--port", defaultValue = "8000", description = "The port; 0 for any free one "
      + "(default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--name", description = "The model name clients send as \"model\" (default: the folder's name).")
  String name;

  @Option(names = "--default-max-tokens", defaultValue = "512", description = "max_tokens of a request that gives"
      + " none; replies are also bounded by the model's context (default: ${DEFAULT-VALUE}).")
  int defaultMaxTokens;

  @Option(names = "--max-tokens-limit", defaultValue = "4096", description = "The most tokens one request may ask "
      + "for; more is refused with 400 (default: ${DEFAULT-VALUE}).")
  int maxTokensLimit;

  @Option(names = "--api-key-env", paramLabel = "NAME", description = "Require every request to send "
      + "Authorization: Bearer KEY, KEY read from this environment variable (never from the command line, which "
      + "other users can read).")
  String apiKeyEnv;

  /** The model and its server, stopped together. */
  record Serving(LocalChatModel model, ChatCompletionsServer server) implements AutoCloseable {
    @Override
    public void close() {
      server.stop();
      model.close();
    }
  }

  @Override
  public Integer call() throws Exception {
    Serving serving = start();
    Runtime.getRuntime().addShutdownHook(new Thread(serving::close, "align-serve-shutdown"));
    System.err.println("align serve: serving " + serving.server().modelName() + " at " + serving.server().url());
    new CountDownLatch(1).await(); // until killed: the JVM's shutdown runs the hook
    return 0;
  }

  /** Loads the model and starts its server; an IOException names the folder or the address at fault. */
  Serving start() throws IOException {
    String key = null;
    if (apiKeyEnv != null) {
      key = System.getenv(apiKeyEnv);
      if (key == null || key.isBlank()) {
        throw new IllegalArgumentException("--api-key-env " + apiKeyEnv + ": the environment variable is unset or"
            + " empty; export it with the key clients will send");
      }
    }
    LocalChatModel model = LocalChatModel.open(modelOptions.model, modelOptions.baseModel);
    try {
      ChatCompletionsServer.Builder b = ChatCompletionsServer.builder(model).host(host).port(port)
          .modelName(name != null ? name : model.id()).defaultMaxTokens(defaultMaxTokens)
          .maxTokensLimit(maxTokensLimit);
      ChatCompletionsServer server = (key == null ? b : b.bearerToken(key)).build();
      server.start();
      return new Serving(model, server);
    } catch (IOException | RuntimeException e) {
      model.close();
      throw e;
    }
  }
}
