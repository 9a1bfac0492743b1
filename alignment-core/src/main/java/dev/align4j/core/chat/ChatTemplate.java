package dev.align4j.core.chat;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.align4j.core.chat.jinja.Environment;
import dev.align4j.core.chat.jinja.RenderLimits;
import dev.align4j.core.chat.jinja.Rendered;
import dev.align4j.core.chat.jinja.Template;
import dev.align4j.core.chat.jinja.TemplateException;
import dev.align4j.core.model.JsonFile;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's chat template with the variables transformers' {@code apply_chat_template} passes to it.
 *
 * <p>Loading follows transformers: {@code chat_template.jinja} in the folder takes precedence; otherwise
 * {@code chat_template} in {@code tokenizer_config.json}, either a string or a list of {@code {name, template}}
 * objects, of which {@code default} is used unless a name is given. The defaults are {@code tools = None},
 * {@code documents = None}, {@code add_generation_prompt = False} and the special tokens ({@link SpecialTokens});
 * variables given to {@link #render} override them and may add any keyword the template reads (e.g.
 * {@code enable_thinking}).
 *
 * <p>A template is code from a downloaded file, so it is parsed and rendered under the {@link RenderLimits} of its
 * environment: {@link RenderLimits#defaults()} unless {@link #load(Path, String, Environment)} or
 * {@link #of(String, Map, Environment)} is given an environment with others, e.g.
 * {@code TransformersJinja.environment().withLimits(RenderLimits.defaults().withMaxDepth(1000))}.
 */
public final class ChatTemplate {

  private final String name;
  private final String source;
  private final Template template;
  private final Map<String, Object> specialTokens;

  private ChatTemplate(String name, String source, Map<String, Object> specialTokens, Environment env) {
    this.name = name;
    this.source = source;
    this.template = env.compile(source);
    this.specialTokens = specialTokens;
  }

  /**
   * Loads the default chat template of a Hugging Face folder.
   *
   * @throws IllegalArgumentException when the folder has no chat template or its files are malformed
   * @throws TemplateException when the template does not parse or nests deeper than {@link RenderLimits#maxDepth()}
   *     (the message names the line)
   */
  public static ChatTemplate load(Path modelDir) throws IOException {
    return load(modelDir, null);
  }

  /** Loads the chat template called {@code templateName} ({@code null}: the default one). */
  public static ChatTemplate load(Path modelDir, String templateName) throws IOException {
    return load(modelDir, templateName, TransformersJinja.environment());
  }

  /**
   * As {@link #load(Path, String)}, compiled in {@code env}: e.g. with a fixed clock for {@code strftime_now}, or
   * with other {@link RenderLimits} ({@link Environment#withLimits}).
   */
  public static ChatTemplate load(Path modelDir, String templateName, Environment env) throws IOException {
    checkNotNull(modelDir, "modelDir");
    checkArgument(Files.isDirectory(modelDir), "model folder %s does not exist or is not a folder", modelDir);
    Path configFile = modelDir.resolve("tokenizer_config.json");
    Path mapFile = modelDir.resolve("special_tokens_map.json");
    JsonNode config = readJson(configFile);
    JsonNode specialMap = readJson(mapFile);
    Map<String, Object> tokens = SpecialTokens.read(config, configFile, specialMap, mapFile);
    Path jinjaFile = modelDir.resolve("chat_template.jinja");
    if (Files.isRegularFile(jinjaFile)) {
      checkArgument(templateName == null || templateName.equals("default"),
          "%s holds a single template (chat_template.jinja); there is no template named '%s'", modelDir,
          templateName);
      String source;
      try {
        source = Files.readString(jinjaFile, StandardCharsets.UTF_8);
      } catch (CharacterCodingException e) {
        throw new IllegalArgumentException(jinjaFile + ": not UTF-8 text (transformers reads it as UTF-8); save it"
            + " as UTF-8", e);
      }
      return new ChatTemplate("default", source, tokens, env);
    }
    JsonNode t = config == null ? null : config.get("chat_template");
    checkArgument(t != null && !t.isNull(), "%s has no chat template (looked for chat_template.jinja and the"
        + " chat_template field of tokenizer_config.json)", modelDir);
    if (t.isTextual()) {
      checkArgument(templateName == null || templateName.equals("default"), "%s has a single chat template; there"
          + " is no template named '%s'", modelDir, templateName);
      return new ChatTemplate("default", t.textValue(), tokens, env);
    }
    checkArgument(t.isArray(), "tokenizer_config.json in %s: chat_template must be a string or a list of"
        + " {\"name\", \"template\"} objects, got %s", modelDir, t.getNodeType());
    String wanted = templateName == null ? "default" : templateName;
    List<String> names = new ArrayList<>();
    for (JsonNode entry : t) {
      checkArgument(entry.hasNonNull("name") && entry.hasNonNull("template"), "tokenizer_config.json in %s: each"
          + " chat_template entry needs \"name\" and \"template\", got %s", modelDir, entry);
      names.add(entry.get("name").asText());
      if (entry.get("name").asText().equals(wanted)) {
        return new ChatTemplate(wanted, entry.get("template").asText(), tokens, env);
      }
    }
    throw new IllegalArgumentException("tokenizer_config.json in " + modelDir + " has no chat template named '"
        + wanted + "'; it has " + names);
  }

  /** A template from its source, with the given special-token variables (e.g. for tests or in-memory models). */
  public static ChatTemplate of(String source, Map<String, Object> specialTokens) {
    return of(source, specialTokens, TransformersJinja.environment());
  }

  /** As {@link #of(String, Map)}, compiled in {@code env} (e.g. with other {@link RenderLimits}). */
  public static ChatTemplate of(String source, Map<String, Object> specialTokens, Environment env) {
    checkNotNull(env, "env");
    return new ChatTemplate("default", source, new LinkedHashMap<>(specialTokens), env);
  }

  /** The file's object, or null when there is no such file; malformed, it is the caller's mistake. */
  private static JsonNode readJson(Path file) {
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try {
      return JsonFile.readObject(file);
    } catch (IOException e) {
      throw new IllegalArgumentException(e.getMessage(), e);   // names the file, and the line of a syntax error
    }
  }

  /** The variables transformers passes besides {@code messages}: tools, documents, the generation flag, tokens. */
  public Map<String, Object> defaultVariables() {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("tools", null);
    v.put("documents", null);
    v.put("add_generation_prompt", false);
    v.putAll(specialTokens);
    return v;
  }

  /**
   * Renders with {@link #defaultVariables()} overridden by {@code variables}, which must hold {@code messages}.
   *
   * @throws TemplateException when the template raises ({@code raise_exception}), uses an unsupported construct or
   *     goes over its {@link RenderLimits} (kind {@link TemplateException.Kind#LIMIT})
   */
  public Rendered render(Map<String, ?> variables) {
    checkNotNull(variables, "variables");
    checkArgument(variables.get("messages") instanceof List, "variables must hold 'messages' as a list, got %s",
        variables.get("messages") == null ? "none" : variables.get("messages").getClass().getSimpleName());
    Map<String, Object> all = new LinkedHashMap<>();
    all.put("messages", variables.get("messages"));
    all.putAll(defaultVariables());
    all.putAll(variables);
    return template.render(all);
  }

  /** Renders {@code messages} (maps with {@code role} and {@code content}) with the default variables. */
  public Rendered render(List<?> messages, boolean addGenerationPrompt) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("messages", messages);
    v.put("add_generation_prompt", addGenerationPrompt);
    return render(v);
  }

  /** Whether the template marks assistant text with {@code {% generation %}} (transformers' assistant masks). */
  public boolean hasGenerationMarkers() {
    return source.contains("generation") && source.matches("(?s).*\\{%-?\\s*generation\\s*-?%}.*");
  }

  public String name() {
    return name;
  }

  public String source() {
    return source;
  }

  /** The limits this template is rendered under. */
  public RenderLimits limits() {
    return template.limits();
  }
}
