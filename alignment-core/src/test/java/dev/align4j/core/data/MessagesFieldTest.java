package dev.align4j.core.data;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code messages} field that is an object instead of a list (found by {@link DataFileFuzzProperties}: it ended in a
 * NullPointerException) names file, line, field and the remedy.
 */
class MessagesFieldTest {
  @Test
  void messagesThatAreAnObjectAreRefusedWithFileLineAndField(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("sft.jsonl");
    Files.writeString(file, "{\"prompt\": \"a\", \"completion\": \"b\"}\n"
        + "{\"messages\": {\"role\": \"user\", \"content\": \"hi\"}}\n");
    DataFileException e = assertThrows(DataFileException.class,
        () -> DataFiles.demonstrations(file, DataFiles.Dedup.KEEP));
    assertTrue(e.getMessage().contains(file + ":2") && e.getMessage().contains("messages")
        && e.getMessage().contains("expected a list of messages, got OBJECT"), e.getMessage());
  }
}
