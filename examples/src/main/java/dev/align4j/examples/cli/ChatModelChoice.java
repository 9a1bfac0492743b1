package dev.align4j.examples.cli;

import dev.align4j.api.judge.ChatModel;
import dev.align4j.core.chatmodel.CachingChatModel;
import dev.align4j.core.chatmodel.EndpointConfig;
import dev.align4j.core.chatmodel.LocalChatModel;
import dev.align4j.core.chatmodel.OpenAiChatModel;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Which chat model a command talks to: a local checkpoint folder or an OpenAI-compatible endpoint, exactly one of
 * them, named by the command's own option names (the reviser's {@code --model}, the judge's {@code --judge-model}).
 *
 * @param folder the local checkpoint, or null
 * @param endpoint the endpoint's base URL as the OpenAI SDK takes it ({@code http://127.0.0.1:8000/v1}), or null
 * @param endpointModel the model name the endpoint serves, required with {@code endpoint}
 * @param apiKeyEnv the environment variable holding the endpoint's API key, or null for none
 * @param maxConcurrency endpoint calls in flight, or null for the endpoint default
 * @param requestBudget the most endpoint requests this run may make, or null for no limit
 * @param names the command's option names, for messages: {folder, endpoint, endpoint model}
 */
record ChatModelChoice(Path folder, URI endpoint, String endpointModel, String apiKeyEnv, Integer maxConcurrency,
    Integer requestBudget, String[] names) {

  /**
   * Opens the chosen model behind the reply cache {@code OUT/chat-cache.jsonl}; a usage error names the options.
   *
   * @param spec the command, for usage errors
   * @param cache the cache file
   */
  ChatModel open(CommandSpec spec, Path cache) throws IOException {
    if ((folder == null) == (endpoint == null)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "give exactly one of " + names[0] + " DIR or "
          + names[1] + " URL");
    }
    java.nio.file.Files.createDirectories(cache.toAbsolutePath().getParent());
    ChatModel inner;
    if (folder != null) {
      inner = LocalChatModel.open(folder);
    } else {
      if (endpointModel == null || endpointModel.isBlank()) {
        throw new CommandLine.ParameterException(spec.commandLine(), names[1] + " needs " + names[2]
            + " NAME (the model name the endpoint serves)");
      }
      EndpointConfig.Builder b = EndpointConfig.builder().baseUrl(endpoint.toString()).model(endpointModel);
      if (apiKeyEnv != null) {
        b.apiKeyEnv(apiKeyEnv);
      }
      if (maxConcurrency != null) {
        b.maxConcurrency(maxConcurrency);
      }
      if (requestBudget != null) {
        b.requestBudget(requestBudget);
      }
      try {
        inner = OpenAiChatModel.open(b.build());
      } catch (IllegalStateException e) {
        // the named key variable is unset or blank: a usage error, named by the model
        throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
    }
    return CachingChatModel.open(inner, cache);
  }
}
