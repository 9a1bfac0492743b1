package dev.align4j.cuda;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.align4j.core.conformance.CaseOutcome;
import dev.align4j.core.conformance.ConformanceRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The conformance vectors of alignment-core's test jar ({@code /conformance}: TRL parity; {@code /conformance-extra}:
 * align4j's own), run line by line through a runner, keeping the cases of the ops the runner covers.
 */
final class ConformanceFiles {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ConformanceFiles() {}

  /** The outcome of every case in {@code folder} whose op the runner implements. */
  static List<CaseOutcome> run(ConformanceRunner runner, String folder) {
    List<CaseOutcome> outcomes = new ArrayList<>();
    for (Path file : files(folder)) {
      List<String> lines;
      try {
        lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      for (int i = 0; i < lines.size(); i++) {
        String text = lines.get(i);
        if (!text.isBlank() && runner.ops().contains(op(text))) {
          outcomes.add(runner.runLine(folder + "/" + file.getFileName(), i + 1, text));
        }
      }
    }
    return outcomes;
  }

  private static String op(String line) {
    try {
      return JSON.readTree(line).path("op").asText();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Path> files(String folder) {
    URL url = ConformanceFiles.class.getResource("/" + folder);
    if (url == null) {
      throw new IllegalStateException("no /" + folder + " on the test class path (alignment-core's test jar)");
    }
    try {
      URI uri = url.toURI();
      Path dir;
      if (uri.getScheme().equals("jar")) {
        FileSystem fs;
        try {
          fs = FileSystems.newFileSystem(uri, Map.of());
        } catch (FileSystemAlreadyExistsException e) {
          fs = FileSystems.getFileSystem(uri);
        }
        dir = fs.getPath("/" + folder);
      } else {
        dir = Path.of(uri);
      }
      try (Stream<Path> s = Files.list(dir)) {
        return s.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
