package dev.align4j.core.conformance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.align4j.api.kernel.KernelProvider;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads conformance files and checks every case against every implementation of its op.
 *
 * <p>A case fails, never crashes the run, when its JSON is malformed, a required field is missing, the op is
 * unknown, an implementation rejects the input, or any output element is outside
 * {@code atol + rtol·|expected|}. Integer fields ({@code num_tokens}, {@code score_index}, {@code value_mask}) must be
 * exact.
 */
public final class ConformanceRunner {
  private static final Set<String> INTEGER_FIELDS = Set.of("num_tokens", "score_index", "value_mask");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<OpImplementation> implementations;

  private ConformanceRunner(List<OpImplementation> implementations) {
    this.implementations = List.copyOf(implementations);
  }

  /** A runner over the NDArray objectives and the given kernel providers. */
  public static ConformanceRunner of(List<KernelProvider> kernelProviders) {
    List<OpImplementation> impls = new ArrayList<>();
    impls.add(new NdArrayImplementation());
    kernelProviders.forEach(k -> impls.add(new KernelImplementation(k)));
    return new ConformanceRunner(impls);
  }

  /** A runner over the given kernel providers only (no DJL engine is started). */
  public static ConformanceRunner kernelsOnly(List<KernelProvider> kernelProviders) {
    return new ConformanceRunner(kernelProviders.stream().<OpImplementation>map(KernelImplementation::new).toList());
  }

  /** Every op some implementation of this runner covers. */
  public Set<String> ops() {
    Set<String> ops = new TreeSet<>();
    implementations.forEach(i -> ops.addAll(i.ops()));
    return ops;
  }

  /** The names of the implementations, e.g. {@code [ndarray, kernel:cpu]}. */
  public List<String> implementationNames() {
    return implementations.stream().map(OpImplementation::name).toList();
  }

  /**
   * Runs every non-blank line of a file.
   *
   * @param path the file
   * @param displayName how the file is named in the result lines
   * @throws IOException if the file cannot be read
   */
  public List<CaseOutcome> runFile(Path path, String displayName) throws IOException {
    List<CaseOutcome> outcomes = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      String text;
      int line = 0;
      while ((text = r.readLine()) != null) {
        line++;
        if (!text.isBlank()) {
          outcomes.add(runLine(displayName, line, text));
        }
      }
    }
    return outcomes;
  }

  /** Runs one JSONL line. */
  public CaseOutcome runLine(String file, int line, String text) {
    JsonNode node;
    try {
      node = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      return CaseOutcome.fail(file, line, "?", "json error: malformed JSON: " + oneLine(e.getOriginalMessage()),
          "the line is not valid JSON");
    }
    if (!node.isObject()) {
      return CaseOutcome.fail(file, line, "?", "json error: expected a JSON object, got " + node.getNodeType(), "");
    }
    String id = node.hasNonNull("id") ? node.get("id").asText() : "?";
    if (!node.hasNonNull("op") || !node.get("op").isTextual()) {
      return CaseOutcome.fail(file, line, id, "op error: missing required string field 'op'", "");
    }
    ConformanceCase c = new ConformanceCase(file, line, id, node.get("op").asText(), node);
    return run(c);
  }

  private CaseOutcome run(ConformanceCase c) {
    List<OpImplementation> impls = implementations.stream().filter(i -> i.ops().contains(c.op())).toList();
    if (impls.isEmpty()) {
      return CaseOutcome.fail(c.file(), c.line(), c.id(),
          "op error: unknown op '" + c.op() + "'; known ops are " + ops(), "");
    }
    List<String> fields;
    double rtol;
    double atol;
    try {
      fields = c.expectedFields();
      rtol = c.rtol();
      atol = c.atol();
    } catch (CaseFormatException e) {
      return formatFailure(c, e);
    }
    for (OpImplementation impl : impls) {
      Map<String, Tensor> actual;
      try {
        actual = impl.run(c);
      } catch (CaseFormatException e) {
        return formatFailure(c, e);
      } catch (RuntimeException e) {
        return CaseOutcome.fail(c.file(), c.line(), c.id(),
            "error: " + impl.name() + " rejected the case: " + oneLine(String.valueOf(e.getMessage())),
            e.toString());
      }
      for (String field : fields) {
        Tensor expected;
        try {
          expected = c.expected(field);
        } catch (CaseFormatException e) {
          return formatFailure(c, e);
        }
        Tensor got = actual.get(field);
        if (got == null) {
          return CaseOutcome.fail(c.file(), c.line(), c.id(),
              field + " error: " + impl.name() + " does not compute this field of op " + c.op(), "");
        }
        String mismatch = compare(field, expected, got, INTEGER_FIELDS.contains(field) ? 0 : rtol,
            INTEGER_FIELDS.contains(field) ? 0 : atol);
        if (mismatch != null) {
          return CaseOutcome.fail(c.file(), c.line(), c.id(), mismatch, "implementation " + impl.name());
        }
      }
    }
    return CaseOutcome.pass(c, "implementations " + impls.stream().map(OpImplementation::name).toList());
  }

  private static CaseOutcome formatFailure(ConformanceCase c, CaseFormatException e) {
    return CaseOutcome.fail(c.file(), c.line(), c.id(), e.field() + " error: " + oneLine(e.getMessage()), "");
  }

  /** The first element outside tolerance as {@code field[i] expected e got a}, or null if all match. */
  static String compare(String field, Tensor expected, Tensor actual, double rtol, double atol) {
    double[] e = expected.data();
    double[] a = actual.data();
    if (e.length != a.length) {
      return field + "[0] expected " + e.length + " elements " + java.util.Arrays.toString(expected.shape())
          + " got " + a.length + " elements " + java.util.Arrays.toString(actual.shape());
    }
    for (int i = 0; i < e.length; i++) {
      double diff = Math.abs(a[i] - e[i]);
      if (!(diff <= atol + rtol * Math.abs(e[i]))) { // NaN fails
        return field + "[" + i + "] expected " + format(e[i]) + " got " + format(a[i]);
      }
    }
    return null;
  }

  private static String format(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }

  private static String oneLine(String s) {
    return s.replace('\n', ' ').replace('\r', ' ');
  }
}
