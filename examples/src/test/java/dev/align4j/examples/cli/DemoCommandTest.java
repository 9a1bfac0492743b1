package dev.align4j.examples.cli;

import static dev.align4j.examples.cli.Run.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code align demo}'s part choices are refused, each with its reason, before anything trains. */
class DemoCommandTest {
  @Test
  void onePartAtATime(@TempDir Path dir) {
    Run r = run("demo", "--loop", "--cai", "--out", dir.resolve("o").toString());
    assertEquals(Align.BAD_INPUT, r.status(), r.stderr());
    assertTrue(r.stderr().contains("give one of --cai or --loop (that part alone) or --all"), r.stderr());
    assertTrue(!Files.exists(dir.resolve("o")), "nothing written for a refused run");
  }

  @Test
  void anSftModelIsOnlyForTheLoopPartAndMustBeAModelFolder(@TempDir Path dir) {
    Run notLoop = run("demo", "--quick", "--sft", dir.toString(), "--out", dir.resolve("o").toString());
    assertEquals(Align.BAD_INPUT, notLoop.status(), notLoop.stderr());
    assertTrue(notLoop.stderr().contains("--sft is for --loop"), notLoop.stderr());
    Run empty = run("demo", "--loop", "--sft", dir.toString(), "--out", dir.resolve("o").toString());
    assertEquals(Align.BAD_INPUT, empty.status(), empty.stderr());
    assertTrue(empty.stderr().contains("--sft " + dir + " has no config.json"), empty.stderr());
  }
}
