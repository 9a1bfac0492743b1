package dev.align4j.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.core.chat.ChatTemplate;
import dev.align4j.core.chat.ChatTokenizer;
import dev.align4j.core.chat.JsonValues;
import dev.align4j.core.chat.TransformersJinja;
import dev.align4j.core.chat.jinja.RenderLimits;
import dev.align4j.core.chat.jinja.TemplateException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code align chat-template}: what the model sees. Renders a conversation with the model's chat template exactly as
 * transformers' {@code apply_chat_template} does and tokenises it ({@code tokenize=True}: no special tokens added on
 * top). Stdout holds one JSON object {@code {"rendered": "...", "input_ids": [...]}}.
 *
 * <p>The template is code from the model folder, so it renders under {@link RenderLimits}; the {@code --max-*}
 * options raise them for a trusted template, and a template that goes over one exits with status 2 and one line
 * naming the limit, the template line and the option.
 */
@Command(name = "chat-template", mixinStandardHelpOptions = true,
    description = {"Render a conversation with a model's chat template (as transformers' apply_chat_template does)"
        + " and tokenise it.",
        "Prints one JSON object {\"rendered\": \"...\", \"input_ids\": [...]} on stdout.",
        "Exit status 0 on success, 2 for bad usage or input (including a template that raises or goes over a"
            + " --max-* limit)."})
final class ChatTemplateCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ChatTemplateCommand.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--model", required = true, paramLabel = "DIR",
      description = "Hugging Face folder with tokenizer.json and tokenizer_config.json (or chat_template.jinja).")
  Path model;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Input input;

  static final class Input {
    @Option(names = "--vars", paramLabel = "FILE", description = "JSON object of template variables: 'messages' and"
        + " any of tools, documents, add_generation_prompt, special tokens or extra keywords (e.g. enable_thinking);"
        + " they override the defaults taken from the tokenizer files.")
    Path vars;

    @Option(names = "--messages", paramLabel = "FILE", description = "JSON list of messages ({role, content, ...}).")
    Path messages;
  }

  @Option(names = "--add-generation-prompt", description = "With --messages: end with the assistant header so the"
      + " model continues as the assistant.")
  boolean addGenerationPrompt;

  @Option(names = "--template", paramLabel = "NAME", description = "A named template from tokenizer_config.json"
      + " (default: 'default').")
  String templateName;

  @Option(names = "--max-depth", paramLabel = "N", description = "Limit on how deeply the template's blocks,"
      + " expressions and macro calls nest (default: ${DEFAULT-VALUE}).")
  int maxDepth = RenderLimits.DEFAULT_MAX_DEPTH;

  @Option(names = "--max-loop-iterations", paramLabel = "N", description = "Limit on the for-loop steps of one"
      + " render, all loops together (default: ${DEFAULT-VALUE}).")
  long maxLoopIterations = RenderLimits.DEFAULT_MAX_LOOP_ITERATIONS;

  @Option(names = "--max-output-chars", paramLabel = "N", description = "Limit on the length of the output and of"
      + " any string the template builds (default: ${DEFAULT-VALUE}).")
  int maxOutputChars = RenderLimits.DEFAULT_MAX_OUTPUT_CHARS;

  @Option(names = "--max-wall-seconds", paramLabel = "S", description = "Limit on the time one render takes"
      + " (default: ${DEFAULT-VALUE}).")
  double maxWallSeconds = RenderLimits.DEFAULT_MAX_WALL_TIME.toMillis() / 1000.0;

  @Override
  public Integer call() throws IOException {
    if (!Files.isDirectory(model)) {
      return bad("no such model folder: " + model);
    }
    Map<String, Object> variables;
    try {
      variables = input.vars != null ? readVars(input.vars) : readMessages(input.messages);
    } catch (IllegalArgumentException e) {
      return bad(e.getMessage());
    }
    if (input.vars != null && addGenerationPrompt) {
      return bad("--add-generation-prompt goes with --messages; with --vars set \"add_generation_prompt\" in the file");
    }
    if (!(maxWallSeconds > 0) || maxWallSeconds > 1e9) {
      return bad("--max-wall-seconds must be > 0 and at most 1e9, got " + maxWallSeconds);
    }
    String rendered;
    long[] ids;
    try {
      RenderLimits limits = new RenderLimits(maxDepth, maxLoopIterations, maxOutputChars,
          Duration.ofNanos(Math.round(maxWallSeconds * 1e9)));
      ChatTemplate template = ChatTemplate.load(model, templateName,
          TransformersJinja.environment().withLimits(limits));
      LOG.info("rendering with the '{}' chat template of {}", template.name(), model);
      rendered = template.render(variables).text();
      try (ChatTokenizer tokenizer = ChatTokenizer.open(model)) {
        ids = tokenizer.encode(rendered).ids();
      }
    } catch (TemplateException e) {
      return bad(e.kind() == TemplateException.Kind.RAISED ? "the chat template raised: " + e.getMessage()
          : "chat template of " + model + ": " + e.getMessage() + e.limit().map(l -> "; on the command line: "
              + option(l) + " N").orElse(""));
    } catch (IllegalArgumentException e) {
      return bad(e.getMessage());
    }
    ObjectNode out = JSON.createObjectNode();
    out.put("rendered", rendered);
    var idArray = out.putArray("input_ids");
    for (long id : ids) {
      idArray.add(id);
    }
    // bytes, not chars: the platform encoding of System.out may not be UTF-8
    System.out.write((JSON.writeValueAsString(out) + "\n").getBytes(StandardCharsets.UTF_8));
    System.out.flush();
    return 0;
  }

  private static String option(RenderLimits.Limit limit) {
    switch (limit) {
      case DEPTH: return "--max-depth";
      case LOOP_ITERATIONS: return "--max-loop-iterations";
      case OUTPUT_CHARS: return "--max-output-chars";
      default: return "--max-wall-seconds";
    }
  }

  private static int bad(String message) {
    System.err.println("align chat-template: " + message);
    return Align.BAD_INPUT;
  }

  private static JsonNode readJson(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("no such file: " + file);
    }
    try {
      return JSON.readTree(file.toFile());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(file + " is not valid JSON (line " + e.getLocation().getLineNr() + "): "
          + e.getOriginalMessage());
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> readVars(Path file) throws IOException {
    JsonNode n = readJson(file);
    if (!n.isObject()) {
      throw new IllegalArgumentException(file + ": expected one JSON object of template variables, got "
          + n.getNodeType());
    }
    if (!n.has("messages") || !n.get("messages").isArray()) {
      throw new IllegalArgumentException(file + ": field 'messages' must be a list of messages");
    }
    return (Map<String, Object>) JsonValues.toValue(n);
  }

  private Map<String, Object> readMessages(Path file) throws IOException {
    JsonNode n = readJson(file);
    if (!n.isArray()) {
      throw new IllegalArgumentException(file + ": expected a JSON list of messages, got " + n.getNodeType());
    }
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("messages", (List<?>) JsonValues.toValue(n));
    v.put("add_generation_prompt", addGenerationPrompt);
    return v;
  }
}
