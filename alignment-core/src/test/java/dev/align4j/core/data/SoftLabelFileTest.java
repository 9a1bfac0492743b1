package dev.align4j.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.align4j.api.data.PreferencePair;
import dev.align4j.api.data.Text;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The soft label {@code p_chosen} of preference pairs: in the record and in TRL-format JSONL files. */
class SoftLabelFileTest {
  private static final String PAIR = "\"prompt\": \"q\", \"chosen\": \"a\", \"rejected\": \"b\"";

  @Test
  void theRecordAcceptsZeroToOneAndRefusesTheRestNamingTheField() {
    assertEquals(OptionalDouble.of(0.0), PreferencePair.plain("q", "a", "b").withPChosen(0).pChosen());
    assertEquals(OptionalDouble.of(1.0), PreferencePair.plain("q", "a", "b").withPChosen(1).pChosen());
    assertEquals(OptionalDouble.empty(), PreferencePair.plain("q", "a", "b").pChosen(), "plain pairs are hard");
    assertEquals(OptionalDouble.empty(), new PreferencePair(Text.plain("q"), Text.plain("a"), Text.plain("b"),
        OptionalDouble.of(2)).pChosen(), "the four-argument constructor makes a hard pair");
    for (double bad : new double[] {-0.01, 1.01, Double.NaN, Double.POSITIVE_INFINITY}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> PreferencePair.plain("q", "a", "b").withPChosen(bad), "p = " + bad);
      assertTrue(e.getMessage().startsWith("pChosen must be in [0, 1]") && e.getMessage().endsWith("got " + bad),
          e.getMessage());
    }
  }

  @Test
  void pChosenIsReadFromTheLine(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("prefs.jsonl");
    Files.write(f, List.of("{" + PAIR + ", \"p_chosen\": 0.75}", "{" + PAIR + "}", "{" + PAIR + ", \"p_chosen\": null}",
        "{" + PAIR + ", \"p_chosen\": 1, \"margin\": 0.5}", "{" + PAIR + ", \"p_chosen\": 0}"));
    List<PreferencePair> pairs = DataFiles.preferences(f, DataFiles.Dedup.KEEP).examples();
    assertEquals(OptionalDouble.of(0.75), pairs.get(0).pChosen());
    assertEquals(OptionalDouble.empty(), pairs.get(1).pChosen(), "absent: a hard label");
    assertEquals(OptionalDouble.empty(), pairs.get(2).pChosen(), "null counts as absent, as for margin");
    assertEquals(OptionalDouble.of(1.0), pairs.get(3).pChosen(), "an integer is a number");
    assertEquals(OptionalDouble.of(0.5), pairs.get(3).margin());
    assertEquals(OptionalDouble.of(0.0), pairs.get(4).pChosen());
  }

  @Test
  void aBadSoftLabelNamesFileLineFieldAndValue(@TempDir Path dir) throws Exception {
    String[] bad = {"1.5", "-0.25", "\"0.7\"", "true", "[0.5]"};
    for (String v : bad) {
      Path f = dir.resolve("bad.jsonl");
      Files.write(f, List.of("{" + PAIR + ", \"p_chosen\": 0.5}", "{" + PAIR + ", \"p_chosen\": " + v + "}"));
      DataFileException e = assertThrows(DataFileException.class,
          () -> DataFiles.preferences(f, DataFiles.Dedup.KEEP), v);
      assertTrue(e.getMessage().startsWith(f + ":2: field 'p_chosen': expected a number in [0, 1] (the probability "
          + "that chosen is preferred to rejected), got " + v), e.getMessage());
      assertTrue(e.getMessage().contains("leave the field out for a hard label"), "the remedy: " + e.getMessage());
    }
  }
}
