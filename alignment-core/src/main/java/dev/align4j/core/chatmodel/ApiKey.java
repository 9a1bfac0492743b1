package dev.align4j.core.chatmodel;

import java.util.Optional;
import java.util.function.Function;

/**
 * The API key of an endpoint, read from the environment once, and the one place that knows its value: it hands the
 * value to the SDK and scrubs it from any text bound for a reply, an exception or a log line, since an endpoint's
 * error body or a proxy's message may echo what it was sent. Its {@code toString} names only where the key came
 * from.
 */
final class ApiKey {
  /**
   * Sent to a server that needs no key: the SDK refuses to build a client without a credential, and servers started
   * without an API key (vLLM, llama.cpp, Ollama) ignore the Authorization header.
   */
  static final String PLACEHOLDER = "no-key";

  private final String value;
  private final String source;
  private final boolean configured;

  private ApiKey(String value, String source, boolean configured) {
    this.value = value;
    this.source = source;
    this.configured = configured;
  }

  /**
   * Reads the key from {@code variable}, or the placeholder when there is none.
   *
   * @throws IllegalStateException when the variable is named but unset or blank; the message names the variable
   */
  static ApiKey resolve(Optional<String> variable, Function<String, String> environment) {
    if (variable.isEmpty()) {
      return new ApiKey(PLACEHOLDER, "no key (a placeholder is sent)", false);
    }
    String name = variable.get();
    String v = environment.apply(name);
    if (v == null || v.isBlank()) {
      throw new IllegalStateException("the API key variable " + name + " is " + (v == null ? "unset" : "blank")
          + ": export " + name + " with the endpoint's key, or leave apiKeyEnv unset for a server that needs none");
    }
    return new ApiKey(v.strip(), "$" + name, true);
  }

  /** The key, for the SDK only. */
  String value() {
    return value;
  }

  /** Whether a real key was configured (rather than the placeholder). */
  boolean configured() {
    return configured;
  }

  /** Where the key came from, such as {@code $OPENAI_API_KEY}, for messages. */
  String source() {
    return source;
  }

  /** {@code text} with every occurrence of the key replaced by {@code [redacted]}. */
  String redact(String text) {
    // The placeholder is no secret, and scrubbing a short common word would mangle messages.
    return text == null || !configured ? text : text.replace(value, "[redacted]");
  }

  @Override
  public String toString() {
    return "ApiKey[" + source + "]";
  }
}
