package dev.align4j.examples.architecture;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaConstructorCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Issue 18's acceptance: the numbered examples and the command line configure stages through the builders, never a
 * configuration record's positional constructor, where a misplaced number compiles and silently trains wrongly.
 */
class BuildersOnlyTest {
  /** The configuration records with builders: sampling, training, RL and each stage's config. */
  private static boolean isConfiguration(JavaClass c) {
    String n = c.getName();
    return n.equals("dev.align4j.api.SamplingParams") || n.equals("dev.align4j.core.train.TrainingArgs")
        || n.equals("dev.align4j.core.rl.RlArgs")
        || (n.startsWith("dev.align4j.core.") && c.getSimpleName().endsWith("Config") && c.isRecord());
  }

  @Test
  void noExampleOrCommandCallsAConfigurationConstructor() {
    JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.align4j.examples", "dev.align4j.core", "dev.align4j.api");
    Set<String> offenders = new TreeSet<>();
    int configurations = 0;
    for (JavaClass c : classes) {
      if (isConfiguration(c)) {
        configurations++;
      }
      if (!c.getPackageName().startsWith("dev.align4j.examples")) {
        continue;
      }
      for (JavaConstructorCall call : c.getConstructorCallsFromSelf()) {
        JavaClass target = call.getTargetOwner();
        if (isConfiguration(target)) {
          offenders.add(c.getSimpleName() + " -> new " + target.getSimpleName() + "(...) at line "
              + call.getLineNumber());
        }
      }
    }
    // The rule must see the records it guards, or it checks nothing.
    assertTrue(configurations >= 7, "found only " + configurations + " configuration records");
    assertFalse(classes.stream().noneMatch(c -> c.getName().equals("dev.align4j.examples.cli.GenerateCommand")),
        "the command line's classes were imported");
    assertTrue(offenders.isEmpty(), "use the builders instead: " + List.copyOf(offenders));
  }
}
