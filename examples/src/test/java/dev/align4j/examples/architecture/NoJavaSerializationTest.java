package dev.align4j.examples.architecture;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 (security): nothing in the shipped classes reads or writes Java serialization, whose readers run code a
 * file chooses. Checkpoints are safetensors, configurations and runs JSON; this scans every production class of the
 * API, core, CUDA and command-line modules (the jars' contents) for any use of the object streams.
 */
class NoJavaSerializationTest {
  private static final Set<String> FORBIDDEN = Set.of("java.io.ObjectInputStream", "java.io.ObjectOutputStream",
      "java.io.ObjectInput", "java.io.ObjectOutput", "java.beans.XMLDecoder", "java.beans.XMLEncoder");

  @Test
  void noShippedClassUsesTheObjectStreams() {
    JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.align4j");
    Set<String> offenders = new TreeSet<>();
    for (JavaClass c : classes) {
      for (JavaAccess<?> a : c.getAccessesFromSelf()) {
        if (FORBIDDEN.contains(a.getTargetOwner().getName())) {
          offenders.add(c.getName() + " -> " + a.getTarget().getFullName() + " at line " + a.getLineNumber());
        }
      }
    }
    // The scan must have seen the modules it guards, or it checks nothing.
    for (String shipped : new String[] {"dev.align4j.api.SamplingParams", "dev.align4j.core.AlignModel",
        "dev.align4j.core.model.safetensors.SafetensorsReader", "dev.align4j.examples.cli.Align"}) {
      assertTrue(classes.contain(shipped), "imported " + shipped);
    }
    assertTrue(offenders.isEmpty(), "Java serialization in shipped code: " + offenders);
  }
}
