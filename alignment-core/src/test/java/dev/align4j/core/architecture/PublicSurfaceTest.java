package dev.align4j.core.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaPackage;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.align4j.api.Internal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * align4j's public surface, checked on the compiled classes with ArchUnit: which packages are internal, that the API
 * never hands out an internal type, and that no pipeline stage reaches into another.
 *
 * <p>A package is internal when its {@code package-info} carries {@link Internal}; a member or type carrying it is
 * plumbing the library's own modules share. Everything else public under {@code dev.align4j} is API.
 */
class PublicSurfaceTest {
  /** The packages that form the API: contracts and data, the model handles, the trainers and their configurations. */
  static final Set<String> API = Set.of("dev.align4j.api", "dev.align4j.api.data", "dev.align4j.api.objective",
      "dev.align4j.api.train", "dev.align4j.api.kernel", "dev.align4j.api.judge", "dev.align4j.core",
      "dev.align4j.core.data", "dev.align4j.core.cai", "dev.align4j.core.chatmodel", "dev.align4j.core.serve",
      "dev.align4j.core.sft", "dev.align4j.core.reward", "dev.align4j.core.dpo", "dev.align4j.core.ppo",
      "dev.align4j.core.grpo", "dev.align4j.core.rl", "dev.align4j.core.train", "dev.align4j.core.eval",
      "dev.align4j.core.task", "dev.align4j.core.loop", "dev.align4j.core.lora");

  /** The pipeline stages: none depends on another's classes (what they share lives in rl, train, eval, data, …). */
  static final List<String> STAGES = List.of("dev.align4j.core.sft", "dev.align4j.core.reward",
      "dev.align4j.core.dpo", "dev.align4j.core.ppo", "dev.align4j.core.grpo");

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.align4j.api", "dev.align4j.core");
  }

  private static boolean internalPackage(String name) {
    JavaPackage p = classes.getPackage(name);
    return p.isAnnotatedWith(Internal.class);
  }

  /** Every package is either one of the API packages or marked internal, never both, never neither. */
  @Test
  void everyPackageIsApiOrMarkedInternal() {
    Set<String> unclassified = new TreeSet<>();
    Set<String> both = new TreeSet<>();
    for (JavaClass c : classes) {
      String pkg = c.getPackageName();
      boolean internal = internalPackage(pkg);
      if (!internal && !API.contains(pkg)) {
        unclassified.add(pkg);
      }
      if (internal && API.contains(pkg)) {
        both.add(pkg);
      }
    }
    assertTrue(unclassified.isEmpty(), "packages neither in the API list nor marked @Internal: " + unclassified);
    assertTrue(both.isEmpty(), "API packages marked @Internal: " + both);
  }

  /**
   * No public type of an API package exposes an internal type (or a Jackson type): not as a supertype, nor in the parameters, return
   * type, thrown exceptions or type arguments of a public or protected member, unless that member is marked
   * {@link Internal} itself.
   */
  @Test
  void theApiExposesNoInternalType() {
    List<String> leaks = new ArrayList<>();
    for (JavaClass c : classes) {
      if (!API.contains(c.getPackageName()) || !isVisible(c.getModifiers()) || c.isAnnotatedWith(Internal.class)
          || !c.getEnclosingClass().map(e -> isVisible(e.getModifiers())).orElse(true)) {
        continue;
      }
      c.getRawSuperclass().ifPresent(s -> check(leaks, c.getName() + " extends", s.getAllInvolvedRawTypes()));
      for (JavaType i : c.getInterfaces()) {
        check(leaks, c.getName() + " implements", i.getAllInvolvedRawTypes());
      }
      for (JavaMember m : c.getMembers()) {
        if (!isVisible(m.getModifiers()) || m.isAnnotatedWith(Internal.class)) {
          continue;
        }
        String where = c.getName() + "." + m.getName();
        if (m instanceof JavaField f) {
          check(leaks, where, f.getType().getAllInvolvedRawTypes());
        } else if (m instanceof JavaCodeUnit u) {
          check(leaks, where, u.getReturnType().getAllInvolvedRawTypes());
          for (JavaType t : u.getParameterTypes()) {
            check(leaks, where, t.getAllInvolvedRawTypes());
          }
          for (JavaClass t : u.getThrowsClause().getTypes()) {
            check(leaks, where, Set.of(t));
          }
        }
      }
    }
    assertEquals(List.of(), leaks, "API members that expose internal types");
  }

  private static boolean isVisible(Set<JavaModifier> modifiers) {
    return modifiers.contains(JavaModifier.PUBLIC) || modifiers.contains(JavaModifier.PROTECTED);
  }

  private static void check(List<String> leaks, String where, Set<JavaClass> types) {
    for (JavaClass t : types) {
      if (t.getPackageName().startsWith("dev.align4j.") && internalPackage(t.getPackageName())
          || t.isAnnotatedWith(Internal.class)) {
        leaks.add(where + " -> " + t.getName());
      }
      if (t.getPackageName().startsWith("com.fasterxml.jackson")) {
        // a trainer records its own configuration; Jackson stays an implementation detail
        leaks.add(where + " -> " + t.getName() + " (a Jackson type)");
      }
    }
  }

  /** No stage uses another stage's classes. */
  @Test
  void stagesDoNotReachIntoEachOther() {
    List<String> crossings = new ArrayList<>();
    for (JavaClass c : classes) {
      String from = stageOf(c.getPackageName());
      if (from == null) {
        continue;
      }
      c.getDirectDependenciesFromSelf().forEach(d -> {
        String to = stageOf(d.getTargetClass().getPackageName());
        if (to != null && !to.equals(from)) {
          crossings.add(c.getName() + " -> " + d.getTargetClass().getName());
        }
      });
    }
    assertEquals(List.of(), crossings.stream().distinct().toList(), "stage classes using another stage's classes");
  }

  private static String stageOf(String pkg) {
    for (String s : STAGES) {
      if (pkg.equals(s) || pkg.startsWith(s + ".")) {
        return s;
      }
    }
    return null;
  }

  /** The check can fail: an internal type appears where it is looked for. */
  @Test
  void theCheckSeesInternalTypes() {
    assertTrue(internalPackage("dev.align4j.core.model"), "core.model is marked internal");
    assertTrue(!internalPackage("dev.align4j.core.sft"), "core.sft is API");
  }
}
