package dev.align4j.examples.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Writes a command's single JSON object to stdout. */
final class JsonOut {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private JsonOut() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  static void print(ObjectNode o) throws JsonProcessingException {
    System.out.println(MAPPER.writeValueAsString(o));
    System.out.flush();
  }
}
