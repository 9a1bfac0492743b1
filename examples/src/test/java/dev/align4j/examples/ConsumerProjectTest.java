package dev.align4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The consumer project ({@code examples/consumer}, built and run by the Maven Invoker plugin in {@code mvn verify}) is a
 * user's program: it imports only the documented API, and the README's "Use it from Java" shows it verbatim.
 */
class ConsumerProjectTest {
  private static final Path SOURCE = Path.of("consumer/src/main/java/com/example/consumer/AlignPipeline.java");

  /** The API packages the README lists (the architecture test in alignment-core checks the same list). */
  private static final Set<String> API = Set.of("dev.align4j.api", "dev.align4j.api.data", "dev.align4j.api.objective",
      "dev.align4j.api.train", "dev.align4j.api.kernel", "dev.align4j.core", "dev.align4j.core.data",
      "dev.align4j.core.sft", "dev.align4j.core.reward", "dev.align4j.core.dpo", "dev.align4j.core.ppo",
      "dev.align4j.core.grpo", "dev.align4j.core.rl", "dev.align4j.core.train", "dev.align4j.core.eval",
      "dev.align4j.core.task", "dev.align4j.api.judge", "dev.align4j.core.cai", "dev.align4j.core.chatmodel",
      "dev.align4j.core.serve", "dev.align4j.core.loop", "dev.align4j.core.lora");

  @Test
  void theConsumerImportsOnlyTheDocumentedApi() throws Exception {
    List<String> outside = new ArrayList<>();
    for (String line : Files.readAllLines(SOURCE)) {
      if (!line.startsWith("import ")) {
        continue;
      }
      String type = line.substring("import ".length(), line.length() - 1).replace("static ", "");
      String pkg = type.substring(0, type.lastIndexOf('.'));
      boolean allowed = pkg.startsWith("java.") || pkg.startsWith("ai.djl.") || API.contains(pkg);
      if (!allowed) {
        outside.add(type);
      }
    }
    assertEquals(List.of(), outside, "imports outside the documented API");
  }

  @Test
  void theReadmeListsExactlyTheseApiPackages() throws Exception {
    String readme = Files.readString(Path.of("../README.md"));
    int start = readme.indexOf("The API is `dev.align4j.api.*`");
    assertTrue(start >= 0, "README has the API paragraph");
    String paragraph = readme.substring(start, readme.indexOf("\n\n", start));
    Set<String> listed = new java.util.TreeSet<>();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("`((?:api|core)(?:\\.[a-z]+)?)`").matcher(paragraph);
    while (m.find()) {
      listed.add("dev.align4j." + m.group(1));
    }
    listed.add("dev.align4j.core");   // written as `dev.align4j.core`
    assertEquals(new java.util.TreeSet<>(API), listed);
  }

  @Test
  void theReadmeShowsTheConsumerProgramVerbatim() throws Exception {
    String readme = Files.readString(Path.of("../README.md"));
    String program = Files.readString(SOURCE);
    int section = readme.indexOf("## Use it from Java");
    assertTrue(section >= 0, "README has a 'Use it from Java' section");
    int start = readme.indexOf("```java\n", section) + "```java\n".length();
    int end = readme.indexOf("```", start);
    assertEquals(program, readme.substring(start, end), "README's program = examples/consumer's AlignPipeline.java");
  }
}
