package dev.align4j.core.train.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** A configuration map ({@code toMap()} of a config record) as JSON, for provenance records. */
public final class ConfigJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ConfigJson() {}

  /** The map as a JSON object (strings, numbers, booleans, lists, nulls). */
  public static ObjectNode of(Map<String, Object> config) {
    return (ObjectNode) JSON.valueToTree(config);
  }
}
