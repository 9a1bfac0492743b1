package dev.align4j.core.chatmodel;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * Where an {@link OpenAiChatModel} sends its calls and how hard it tries. The API key itself is never part of this
 * record (so it cannot reach a {@code toString}, a log line or a provenance file): only the name of the environment
 * variable that holds it, read once when the model is opened.
 *
 * @param baseUrl the endpoint's base URL up to and including the version segment, for example
 *     {@code http://127.0.0.1:8000/v1}; calls go to {@code baseUrl + "/chat/completions"}
 * @param model the model name the endpoint serves (OpenAI's {@code model} field); also the chat model's id
 * @param apiKeyEnv the environment variable holding the API key; empty for a local server that needs none (a
 *     placeholder key is sent then, since the SDK requires one)
 * @param maxConcurrency the most calls in flight at once
 * @param maxRetries how often the SDK retries one call after a 408, 409, 429, 5xx or a connection failure or timeout
 * @param timeout the limit of one HTTP attempt (connect, send, wait, read), not counting retries or backoff
 * @param requestBudget the most HTTP attempts, retries included, this model may make over its life; empty for no
 *     limit. Past it the model stops the run with {@link RequestBudgetExhaustedException}
 */
public record EndpointConfig(URI baseUrl, String model, Optional<String> apiKeyEnv, int maxConcurrency,
    int maxRetries, Duration timeout, OptionalLong requestBudget) {
  /** POSIX's portable environment variable names; a key pasted in by mistake (it has '-') fails this. */
  private static final Pattern VARIABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /**
   * Validates the fields; throws {@link NullPointerException} for a null field and {@link IllegalArgumentException}
   * naming the field, the constraint and the value otherwise.
   *
   * @param baseUrl an absolute {@code http} or {@code https} URI with a host, without user info, query or fragment;
   *     a trailing slash is dropped
   * @param model not blank
   * @param apiKeyEnv empty, or a variable name ({@code [A-Za-z_][A-Za-z0-9_]*})
   * @param maxConcurrency at least 1
   * @param maxRetries at least 0
   * @param timeout positive
   * @param requestBudget empty or at least 1
   */
  public EndpointConfig {
    checkNotNull(baseUrl, "baseUrl");
    // Checked first and without echoing the URL: credentials in it would be printed by every later message.
    checkArgument(baseUrl.getRawUserInfo() == null, "baseUrl must carry no user:password@ part; put the key in"
        + " the environment variable that apiKeyEnv names");
    checkArgument(("http".equals(baseUrl.getScheme()) || "https".equals(baseUrl.getScheme()))
        && baseUrl.getHost() != null, "baseUrl must be an absolute http or https URL with a host, such as"
        + " http://127.0.0.1:8000/v1, got %s", baseUrl);
    checkArgument(baseUrl.getQuery() == null && baseUrl.getFragment() == null,
        "baseUrl must have no query or fragment (calls append /chat/completions to it), got %s", baseUrl);
    String s = baseUrl.toString();
    if (s.endsWith("/")) {
      baseUrl = URI.create(s.substring(0, s.length() - 1));
    }
    checkNotNull(model, "model");
    checkArgument(!model.isBlank(), "model must name the model the endpoint serves, got a blank name");
    checkNotNull(apiKeyEnv, "apiKeyEnv (use Optional.empty() for a server that needs no key)");
    // The value is not echoed: a caller who passed the key itself instead of its variable's name would see it.
    apiKeyEnv.ifPresent(v -> checkArgument(VARIABLE_NAME.matcher(v).matches(), "apiKeyEnv must be the name of an"
        + " environment variable ([A-Za-z_][A-Za-z0-9_]*), got a %s-character value that is not one; pass the"
        + " variable's name (such as OPENAI_API_KEY), never the key", v.length()));
    checkArgument(maxConcurrency >= 1, "maxConcurrency must be >= 1, got %s", maxConcurrency);
    checkArgument(maxRetries >= 0, "maxRetries must be >= 0 (0 disables the SDK's retries), got %s", maxRetries);
    checkNotNull(timeout, "timeout");
    checkArgument(!timeout.isNegative() && !timeout.isZero(), "timeout must be positive, got %s", timeout);
    checkNotNull(requestBudget, "requestBudget (use OptionalLong.empty() for no limit)");
    requestBudget.ifPresent(b -> checkArgument(b >= 1, "requestBudget must be >= 1 HTTP call (leave it unset for no"
        + " limit), got %s", b));
  }

  /**
   * A builder for an endpoint; {@link Builder#baseUrl} and {@link Builder#model} must be set, every other field has
   * a default.
   *
   * @return a new builder: no API key, 4 calls in flight, 2 retries (the SDK's default), 60 s per attempt, no budget
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder holding these values.
   *
   * @return a new builder initialised from every field of this record, to change one or two of them
   */
  public Builder toBuilder() {
    Builder b = new Builder().baseUrl(baseUrl.toString()).model(model).maxConcurrency(maxConcurrency)
        .maxRetries(maxRetries).timeout(timeout);
    apiKeyEnv.ifPresent(b::apiKeyEnv);
    requestBudget.ifPresent(b::requestBudget);
    return b;
  }

  /** Builds {@link EndpointConfig}; each setter names its default. */
  public static final class Builder {
    private String baseUrl;
    private String model;
    private Optional<String> apiKeyEnv = Optional.empty();
    private int maxConcurrency = 4;
    private int maxRetries = 2;
    private Duration timeout = Duration.ofSeconds(60);
    private OptionalLong requestBudget = OptionalLong.empty();

    private Builder() {}

    /**
     * The endpoint's base URL, such as {@code http://127.0.0.1:8000/v1} or {@code https://api.openai.com/v1};
     * required.
     *
     * @param v an absolute http or https URL (checked by {@link #build()})
     * @return this builder
     */
    public Builder baseUrl(String v) {
      this.baseUrl = v;
      return this;
    }

    /**
     * The model name the endpoint serves; required.
     *
     * @param v not blank (checked by {@link #build()})
     * @return this builder
     */
    public Builder model(String v) {
      this.model = v;
      return this;
    }

    /**
     * The environment variable that holds the API key, such as {@code OPENAI_API_KEY}; default none (a local
     * server).
     *
     * @param v a variable name, never the key itself (checked by {@link #build()})
     * @return this builder
     */
    public Builder apiKeyEnv(String v) {
      this.apiKeyEnv = Optional.of(checkNotNull(v, "apiKeyEnv"));
      return this;
    }

    /**
     * The most calls in flight at once; default 4.
     *
     * @param v at least 1 (checked by {@link #build()})
     * @return this builder
     */
    public Builder maxConcurrency(int v) {
      this.maxConcurrency = v;
      return this;
    }

    /**
     * Retries of one call by the SDK; default 2, the SDK's own.
     *
     * @param v at least 0 (checked by {@link #build()})
     * @return this builder
     */
    public Builder maxRetries(int v) {
      this.maxRetries = v;
      return this;
    }

    /**
     * The limit of one HTTP attempt; default 60 s.
     *
     * @param v positive (checked by {@link #build()})
     * @return this builder
     */
    public Builder timeout(Duration v) {
      this.timeout = v;
      return this;
    }

    /**
     * The most HTTP attempts (retries included) over the model's life; default no limit.
     *
     * @param v at least 1 (checked by {@link #build()})
     * @return this builder
     */
    public Builder requestBudget(long v) {
      this.requestBudget = OptionalLong.of(v);
      return this;
    }

    /**
     * Checks and builds the configuration.
     *
     * @return the configuration
     * @throws IllegalArgumentException for a missing or malformed base URL or model, or a field out of range
     */
    public EndpointConfig build() {
      checkArgument(baseUrl != null, "baseUrl is required, such as http://127.0.0.1:8000/v1");
      checkArgument(model != null, "model is required: the model name the endpoint serves");
      URI uri;
      try {
        uri = new URI(baseUrl);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("baseUrl is not a URL (" + e.getMessage() + "); use the form"
            + " http://127.0.0.1:8000/v1", e);
      }
      return new EndpointConfig(uri, model, apiKeyEnv, maxConcurrency, maxRetries, timeout, requestBudget);
    }
  }
}
