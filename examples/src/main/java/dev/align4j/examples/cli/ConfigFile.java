package dev.align4j.examples.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code --config FILE}: a JSON or YAML object whose keys are option names ({@code learning-rate}; TRL's
 * {@code learning_rate} is accepted too). Its values become the options' defaults, so anything on the command line
 * overrides them; a key that names no option of the command is an error, never ignored; a key whose value is null
 * leaves the option at its own default, as TRL's {@code None} does.
 *
 * <p>Limits: a JSON file of at most 64 MiB and a YAML file of at most 1 MiB (SnakeYAML's reader slows down with the
 * square of a line's length: a 1 MiB line takes about a second, an 8 MiB one half a minute); within either, Jackson's
 * defaults (nesting at most 1000 deep, numbers of at most 1000 digits, strings of at most 20,000,000 chars). Every
 * problem of the file is an {@link IOException} whose message starts with {@code --config FILE}, and with the line
 * and column where the parser stopped for a syntax error or one of Jackson's limits.
 */
final class ConfigFile implements CommandLine.IDefaultValueProvider {
  private static final int MAX_JSON_BYTES = 64 << 20;
  private static final int MAX_YAML_BYTES = 1 << 20;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final Path file;
  /** Option name → value; null where the file gave null, so the key is still checked but sets nothing. */
  private final Map<String, String> values;

  private ConfigFile(Path file, Map<String, String> values) {
    this.file = file;
    this.values = values;
  }

  /** The value of {@code --config} in {@code args}, if any. */
  static ConfigFile fromArgs(String[] args) throws IOException {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--config") && i + 1 < args.length) {
        return load(Path.of(args[i + 1]));
      }
      if (a.startsWith("--config=")) {
        return load(Path.of(a.substring("--config=".length())));
      }
    }
    return null;
  }

  static ConfigFile load(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException("--config " + file + ": no such file");
    }
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    boolean yaml = name.endsWith(".yaml") || name.endsWith(".yml");
    String syntax = yaml ? "YAML" : "JSON";
    int maxBytes = yaml ? MAX_YAML_BYTES : MAX_JSON_BYTES;
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(maxBytes + 1);     // never more than the limit held, however large the file
    }
    if (bytes.length > maxBytes) {
      throw new IOException("--config " + file + ": the file is larger than " + (maxBytes >> 20) + " MiB, the most"
          + " align reads as " + syntax + " (a config file is a few lines; check that this is the right file)");
    }
    ObjectMapper mapper = yaml ? YAML : JSON;
    JsonNode root;
    try (JsonParser p = mapper.createParser(bytes)) {
      try {
        root = mapper.readTree(p);
      } catch (JsonProcessingException e) {
        // Jackson's limits (nesting depth, number and string length) raise without a location: the parser's is it.
        JsonLocation l = e.getLocation() != null ? e.getLocation() : p.currentLocation();
        throw new IOException("--config " + file + (l == null || l.getLineNr() < 1 ? ""
            : ":" + l.getLineNr() + ":" + Math.max(1, l.getColumnNr())) + ": not valid " + syntax + ": "
            + e.getOriginalMessage(), e);
      }
    } catch (CharConversionException e) {
      // Jackson takes a file that starts with NUL bytes for UTF-32 and then finds it is not
      throw new IOException("--config " + file + ": not valid " + syntax + ": not UTF-8 text (" + e.getMessage()
          + ")", e);
    }
    if (root == null || !root.isObject()) {
      throw new IOException("--config " + file + ": expected an object of option names to values");
    }
    Map<String, String> values = new LinkedHashMap<>();
    root.properties().forEach(e -> {
      JsonNode v = e.getValue();
      String text = v.isNull() ? null : v.isArray() ? joinArray(v) : v.isTextual() ? v.asText() : v.toString();
      values.put(e.getKey().replace('_', '-'), text);
    });
    return new ConfigFile(file, values);
  }

  private static String joinArray(JsonNode v) {
    StringBuilder b = new StringBuilder();
    v.forEach(x -> b.append(b.length() == 0 ? "" : ",").append(x.asText()));
    return b.toString();
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    if (arg instanceof OptionSpec o) {
      return values.get(o.longestName().replaceFirst("^--", ""));
    }
    return null;
  }

  /** Fails when a key names no option of {@code command}. */
  void checkKeys(CommandLine.Model.CommandSpec command) {
    List<String> known = command.options().stream().map(o -> o.longestName().replaceFirst("^--", "")).toList();
    for (String key : values.keySet()) {
      if (!known.contains(key) && !key.equals("config")) {
        throw new CommandLine.ParameterException(command.commandLine(), "--config " + file + ": '" + key
            + "' is not an option of 'align " + command.name() + "'; see --help for the option names");
      }
    }
  }
}
