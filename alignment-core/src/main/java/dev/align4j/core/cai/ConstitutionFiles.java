package dev.align4j.core.cai;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.align4j.api.judge.Constitution;
import dev.align4j.core.run.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads constitutions from files and writes them in align4j's canonical JSON.
 *
 * <p>{@link #load(Path)} detects the format from the content ({@link ConstitutionFormat#ALIGN4J align4j's own},
 * {@link ConstitutionFormat#LLM_SWARM Hugging Face llm-swarm's}, and Anthropic's
 * {@link ConstitutionFormat#ANTHROPIC_CRITIQUE_REVISION CritiqueRevisionInstructions.json} and
 * {@link ConstitutionFormat#ANTHROPIC_COMPARISON RLMadisonInstructions.json}); files named {@code *.yaml} or
 * {@code *.yml} are parsed as YAML, all others as JSON. A constitution's name is the file's {@code name} where the
 * format has one, else the file name without its extension.
 *
 * <p>Nothing in a file is ignored: an unknown key, a null or blank text, a repeated id, a principle with no text, a
 * repeated key or content after the document each fail with a {@link ConstitutionFileException} naming the file, the
 * line and column, the JSON path, what was expected and what was found.
 *
 * <p>Limits: a JSON file of at most 64 MiB and a YAML file of at most 1 MiB (SnakeYAML slows down with the square of a
 * line's length); within
 * either, nesting at most 1000 deep, numbers of at most 1000 digits and strings of at most 20,000,000 chars
 * (Jackson's {@code StreamReadConstraints} defaults). Going over one is a {@link ConstitutionFileException} naming
 * the file, and for Jackson's the line and column where the parser stopped.
 *
 * <p>{@link #write} saves any constitution, loaded from any format or built in code, as align4j's canonical file, so
 * that {@code load(write(c))} equals {@code c} and has the same {@link Constitution#sha256()}.
 */
public final class ConstitutionFiles {
  private static final Logger LOG = LoggerFactory.getLogger(ConstitutionFiles.class);
  private static final String WORLD_RESOURCE = "world-constitution.json";

  // Canonical layout: two-space indents for objects and arrays alike, "key": value, "[]" for an empty list, and
  // "\n" whatever the platform, so that the same constitution is the same bytes everywhere.
  private static final ObjectWriter CANONICAL = new ObjectMapper().writer(new DefaultPrettyPrinter(
      Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER)
          .withObjectEmptySeparator("").withArrayEmptySeparator(""))
      .withObjectIndenter(new DefaultIndenter("  ", "\n")).withArrayIndenter(new DefaultIndenter("  ", "\n")));

  private ConstitutionFiles() {}

  /**
   * Loads a constitution, detecting the file's format from its keys ({@link ConstitutionFormat}).
   *
   * @param file a constitution file; {@code *.yaml} and {@code *.yml} are read as YAML, others as JSON
   * @return the validated constitution
   * @throws ConstitutionFileException when the file is not valid JSON or YAML, matches no format (the message lists
   *     the formats tried and the keys found) or breaks its format's rules
   * @throws IOException when the file cannot be read ({@link java.nio.file.NoSuchFileException} when it is missing)
   */
  public static Constitution load(Path file) throws IOException {
    SourceFile src = read(file);
    return load(src, detect(src), baseName(file));
  }

  /**
   * Loads a constitution in the given format, without detection.
   *
   * @param file a constitution file; {@code *.yaml} and {@code *.yml} are read as YAML, others as JSON
   * @param format the format the file is in
   * @return the validated constitution
   * @throws ConstitutionFileException when the file is not valid JSON or YAML or breaks the format's rules
   * @throws IOException when the file cannot be read
   */
  public static Constitution load(Path file, ConstitutionFormat format) throws IOException {
    checkNotNull(format, "format");
    return load(read(file), format, baseName(file));
  }

  /**
   * The format {@link #load(Path)} would read the file in.
   *
   * @param file a constitution file
   * @return its format, decided by its keys alone (the file may still break that format's rules)
   * @throws ConstitutionFileException when the file is not valid JSON or YAML, or matches no format
   * @throws IOException when the file cannot be read
   */
  public static ConstitutionFormat detect(Path file) throws IOException {
    return detect(read(file));
  }

  /**
   * Writes {@code constitution} in align4j's canonical JSON: the keys in the order of {@link ConstitutionFormat#ALIGN4J},
   * texts exactly as they are, absent texts left out, two-space indents, UTF-8, a final newline. The file is written
   * beside its destination and then renamed over it, so a reader never sees half a file.
   *
   * @param constitution any constitution
   * @param file the destination, in an existing folder; replaced if present. Not {@code *.yaml} or {@code *.yml}:
   *     the output is JSON and {@link #load} picks the parser by the name
   * @throws IOException when the file cannot be written
   */
  public static void write(Constitution constitution, Path file) throws IOException {
    checkNotNull(constitution, "constitution");
    checkArgument(SourceFile.Syntax.of(file.getFileName().toString()) == SourceFile.Syntax.JSON,
        "write writes JSON but %s is named as YAML, which load would parse as YAML; name it *.json", file);
    AtomicFiles.writeString(file, toJson(constitution));
  }

  /**
   * The constitution of align4j's built-in task world ({@code reverse: abcd} → {@code dcba}, {@code sort},
   * {@code count}, {@code max}): the principles {@code correct} (the exact result), {@code no-filler} (no friendly
   * prefix such as {@code "sure! "}) and {@code concise} (no repeated or extra characters), each with a critique,
   * a revision and a comparison text. It is the resource {@code dev/align4j/core/cai/world-constitution.json}, in
   * align4j's canonical form.
   *
   * @return the world's constitution
   */
  public static Constitution builtinWorld() {
    return World.CONSTITUTION;
  }

  /** Loaded once: the resource never changes while the JVM runs. */
  private static final class World {
    static final Constitution CONSTITUTION = load();

    private static Constitution load() {
      String source = "classpath:dev/align4j/core/cai/" + WORLD_RESOURCE;
      try (InputStream in = ConstitutionFiles.class.getResourceAsStream(WORLD_RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException(source + " is missing from align4j's jar");
        }
        String text = decode(source, in.readAllBytes());
        return ConstitutionFormat.ALIGN4J.read(SourceFile.parse(source, text, SourceFile.Syntax.JSON).root(),
            "world");
      } catch (ConstitutionFileException e) {
        throw new IllegalStateException("align4j's own " + source + " is broken", e);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** The canonical JSON text {@link #write} writes. */
  static String toJson(Constitution c) {
    try {
      return CANONICAL.writeValueAsString(Align4jFormat.write(c)) + "\n";
    } catch (JsonProcessingException e) {
      // A tree of strings, lists and objects always serialises; failing here is a bug, not a user's problem.
      throw new IllegalStateException("could not serialise constitution " + c.name(), e);
    }
  }

  private static SourceFile read(Path file) throws IOException {
    checkNotNull(file, "file");
    String source = file.toString();
    SourceFile.Syntax syntax = SourceFile.Syntax.of(file.getFileName().toString());
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(syntax.maxBytes() + 1);     // never more than the limit held, however large the file
    }
    if (bytes.length > syntax.maxBytes()) {
      throw new ConstitutionFileException(source, null, "$", "the file is larger than " + (syntax.maxBytes() >> 20)
          + " MiB, the most align4j reads as " + syntax, syntax == SourceFile.Syntax.YAML
          ? "a constitution is a few kilobytes; check that this is the right file, or convert it to JSON (up to "
              + (SourceFile.Syntax.JSON.maxBytes() >> 20) + " MiB)"
          : "a constitution is a few kilobytes; check that this is the right file", null);
    }
    return SourceFile.parse(source, decode(source, bytes), syntax);
  }

  /**
   * The file's text; a byte sequence that is not UTF-8 fails, naming the line and column where it starts, rather than
   * turning into replacement characters.
   */
  private static String decode(String source, byte[] bytes) throws ConstitutionFileException {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);     // UTF-8 never decodes to more chars than bytes
    CoderResult r = decoder.decode(in, out, true);
    if (!r.isError()) {
      r = decoder.flush(out);
    }
    out.flip();
    if (r.isError()) {
      throw new ConstitutionFileException(source, Position.after(out), null, "expected UTF-8 text, found bytes that"
          + " are not UTF-8 (the first at byte offset " + in.position() + ")", "save the file as UTF-8", null);
    }
    String text = out.toString();
    // Editors on Windows may start a UTF-8 file with a byte-order mark, which JSON parsers refuse.
    return text.startsWith("\uFEFF") ? text.substring(1) : text;
  }

  private static ConstitutionFormat detect(SourceFile src) throws ConstitutionFileException {
    Element root = src.root();
    Optional<ConstitutionFormat> f = ConstitutionFormat.detect(root.node());
    if (f.isEmpty()) {
      throw root.error("matches none of the formats tried: " + ConstitutionFormat.ALIGN4J.description()
          + " {\"name\", \"principles\", \"few_shot\"}, " + ConstitutionFormat.LLM_SWARM.description()
          + " {\"constitutions\", \"system_chat\"}, " + ConstitutionFormat.ANTHROPIC_CRITIQUE_REVISION.description()
          + " {id: {\"prompt\", \"edit_request\"}} and " + ConstitutionFormat.ANTHROPIC_COMPARISON.description()
          + " [question, ...]; found " + Element.describe(root.node()),
          "convert the file to align4j's format, or pass its format to load(file, format)");
    }
    return f.get();
  }

  private static Constitution load(SourceFile src, ConstitutionFormat format, String baseName)
      throws ConstitutionFileException {
    Constitution c = format.read(src.root(), baseName);
    LOG.info("constitution {} read as {}: {} principles, {} few-shot dialogues, sha256 {}", src.source(),
        format.description(), c.principles().size(), c.fewShot().size(), c.sha256());
    return c;
  }

  /** The file name without its last extension; the whole name when that would leave nothing. */
  static String baseName(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }
}
