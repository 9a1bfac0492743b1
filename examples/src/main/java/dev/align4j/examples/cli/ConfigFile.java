package dev.align4j.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
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
 * overrides them; a key that names no option of the command is an error, never ignored.
 */
final class ConfigFile implements CommandLine.IDefaultValueProvider {
  private final Path file;
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
    ObjectMapper mapper = name.endsWith(".yaml") || name.endsWith(".yml") ? new ObjectMapper(new YAMLFactory())
        : new ObjectMapper();
    JsonNode root;
    try {
      root = mapper.readTree(file.toFile());
    } catch (IOException e) {
      throw new IOException("--config " + file + ": not valid " + (mapper.getFactory() instanceof YAMLFactory
          ? "YAML" : "JSON") + ": " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IOException("--config " + file + ": expected an object of option names to values");
    }
    Map<String, String> values = new LinkedHashMap<>();
    root.properties().forEach(e -> {
      JsonNode v = e.getValue();
      String text = v.isArray() ? joinArray(v) : v.isTextual() ? v.asText() : v.toString();
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
